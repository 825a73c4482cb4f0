// Writes against providers that answer in hostile or merely unlucky ways (issue #28): a create that
// answers with an id that is not what it made, answers lost after the write was carried out, a
// create answered 429 or 500, removals that remove nothing, another account's SID. Whatever the
// answers, the user's data is untouched and nothing of the run is left (or, where the provider makes
// that impossible, a finding and a non-zero exit say so), no secret reaches the disk, and the run
// ends with a clear exit code and a line that says what happened.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunningProvider } from '../../src/targets/targets';
import { runCli } from '../support/fixtures';
import {
  type Bend,
  type Bent,
  carriedOut,
  cleanupRun,
  errorAnswer,
  hostileProxy,
  isTopCreate,
  journalIn,
  jsonOf,
  lastLine,
  nth,
  otherAccount,
  secretsOnDisk,
  withJson,
  writingRun,
} from '../support/hostile';
import { contract } from '../support/provider';
import { creds, env, expectLeftAsFound, provider, snapshot } from '../support/writes';

const ASSISTANTS = '/v1/Assistants';
const auth = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
/** A removal of an item of a top-level list (not of an attachment). */
const removesItem = (a: { method: string; path: string }) =>
  a.method === 'DELETE' && /^\/v1\/(Assistants|Tools|Knowledge)\/[^/]+$/.test(a.path);

/** A provider with the user's data, a hostile proxy in front of it, and a writing run through the proxy. */
async function runThrough(bend: (p: RunningProvider) => Bend, args: string[] = []) {
  const p = await provider(3);
  const before = await snapshot(p, contract);
  const proxy = await hostileProxy(p.url, bend(p));
  const run = await writingRun(proxy.url, args);
  return { p, before, proxy, run, journal: journalIn(run.journalDir) };
}

/** Nothing of the user's changed, nothing of the run left, no secret on disk. */
async function expectClean(p: RunningProvider, before: Record<string, unknown[]>, dirs: string[]) {
  expectLeftAsFound(contract, before, await snapshot(p, contract));
  expect(secretsOnDisk(dirs, creds.password, creds.username)).toEqual([]);
}

/** The journal says the run ended with nothing left: its last sweep read every list, then done. */
function expectDone(entries: ReturnType<typeof journalIn>['entries']) {
  expect(entries.filter((e) => e.kind === 'sweep').at(-1)?.complete).toBe(true);
  expect(entries.at(-1)?.kind).toBe('done');
}

const firstId = async (p: RunningProvider, path: string, key: string) => {
  const r = await fetch(`${p.url}${path}`, { headers: { authorization: auth } });
  return (jsonOf({ status: r.status, body: await r.text() })[key] as Array<{ id: string }>)[0]?.id;
};

describe.concurrent('a create whose answer is not what it made', () => {
  it('answers the id of an item that was there (the user’s): that item is never changed, what the create made is swept and removed, the run fails', async () => {
    let users: string | undefined;
    const { p, before, proxy, run, journal } = await runThrough((p) => async (a, forward) => {
      if (!isTopCreate(a, ASSISTANTS)) return undefined;
      users ??= await firstId(p, ASSISTANTS, 'assistants');
      return withJson(await forward(), (o) => ({ ...o, id: users }));
    });
    expect(users).toBeDefined();
    expect(proxy.seen.filter((a) => a.method !== 'GET' && a.path.includes(users as string))).toEqual([]);
    expect(run.stdout).toMatch(
      new RegExp(
        `write\\.create-new .*answered id ${users}, an item that is not new: not adopted, never changed`,
      ),
    );
    expect(run.status).toBe(1);
    expect(lastLine(run)).toMatch(/^FAILED: \d+ blocking error/);
    expectDone(journal.entries);
    await expectClean(p, before, [run.dir]);
  });

  it('answers, with the run’s tag echoed, the id of an item the user made meanwhile: its fetch shows no tag, it is never touched', async () => {
    let theirs: Record<string, unknown> | undefined;
    const { p, before, proxy, run } = await runThrough((p) =>
      nth(
        (a) => isTopCreate(a, ASSISTANTS),
        (k) => k === 2,
        async (a, forward) => {
          const made = await forward();
          // The user's own assistant, made while the run goes, the way anyone would.
          const r = await fetch(`${p.url}${ASSISTANTS}`, {
            method: 'POST',
            headers: { authorization: auth, 'content-type': 'application/json' },
            body: JSON.stringify({ ...JSON.parse(a.body), name: 'the user’s own assistant' }),
          });
          const id = ((await r.json()) as { id: string }).id;
          // As the list shows it once made: what it must still show at the end.
          theirs = (await snapshot(p, contract)).ListAssistants?.find(
            (x) => (x as { id?: unknown }).id === id,
          ) as Record<string, unknown>;
          return withJson(made, (o) => ({ ...o, id }));
        },
      ),
    );
    expect(theirs?.id).toBeDefined();
    expect(proxy.seen.filter((a) => a.method !== 'GET' && a.path.includes(String(theirs?.id)))).toEqual([]);
    expect(run.stdout).toMatch(
      /write\.create-new .*but its fetch answered an item without the run's tag in name/,
    );
    expect(run.status).toBe(1);
    const after = await snapshot(p, contract);
    expect(after.ListAssistants).toContainEqual(theirs);
    after.ListAssistants = (after.ListAssistants ?? []).filter(
      (x) => (x as { id?: unknown }).id !== theirs?.id,
    );
    expectLeftAsFound(contract, before, after);
  });

  it('answers an id that is the auth token: never adopted, never written to disk; what it made is swept', async () => {
    const { p, before, run, journal } = await runThrough(
      () => async (a, forward) =>
        isTopCreate(a, ASSISTANTS)
          ? withJson(await forward(), (o) => ({ ...o, id: creds.password }))
          : undefined,
    );
    expect(run.stdout).toMatch(
      /write\.create-new .*answered an id that holds a secret: not adopted, never changed/,
    );
    expect(run.status).toBe(1);
    expect(
      journal.entries.some((e) => e.kind === 'made' && /found by the run's tag/.test(e.message ?? '')),
    ).toBe(true);
    expectDone(journal.entries);
    await expectClean(p, before, [run.dir]);
  });

  it('the lifecycle property’s creates answered 200 instead of 201: the property fails, what they made is undone', async () => {
    const { p, before, run, journal } = await runThrough(
      () => async (a, forward) => {
        if (!isTopCreate(a)) return undefined;
        const r = await forward();
        return r.status === 201 ? { ...r, status: 200 } : r;
      },
      ['--only', 'write.lifecycle-model,write.cleanup', '--seed', '7'],
    );
    expect(run.stdout).toMatch(/write\.lifecycle-model .*answered 200, expected 201 — shortest sequence/);
    expect(run.status).toBe(1);
    expectDone(journal.entries);
    await expectClean(p, before, [run.dir]);
  });
});

describe.concurrent('a create carried out whose answer is lost or ambiguous: never sent again, swept, removed', () => {
  it.each([
    ['the connection reset once it was carried out', () => 'reset' as const, []],
    ['the run’s deadline expiring while it waits', () => 'hang' as const, ['--deadline', '3']],
    [
      'answered 429',
      () => ({ ...errorAnswer(429, 'Too Many Requests'), headers: { 'retry-after': '0' } }),
      [],
    ],
    ['answered 500', () => errorAnswer(500, 'Internal Server Error'), []],
  ])('%s', async (_name, then, args) => {
    const { p, before, proxy, run, journal } = await runThrough(
      () => carriedOut(ASSISTANTS, 2, then as () => Bent),
      args,
    );
    // Every create sent once: as many POSTs as the journal announced and did not hold back.
    const notSent = new Set(journal.entries.filter((e) => /^not sent/.test(e.message ?? '')).map((e) => e.n));
    // A write held back says so once ("not sent: <why>"), not once per layer that held it.
    for (const e of journal.entries) expect(e.message ?? '').not.toMatch(/not sent: not sent/);
    const announced = journal.entries.filter(
      (e) => e.kind === 'intent' && e.write === 'CreateAssistant' && !notSent.has(e.n),
    ).length;
    expect(proxy.seen.filter((a) => isTopCreate(a, ASSISTANTS)).length).toBe(announced);
    const lost = journal.entries.find((e) => e.kind === 'lost' && e.write === 'CreateAssistant');
    expect(lost?.message).toMatch(/answer lost or ambiguous/);
    expect(
      journal.entries.some((e) => e.kind === 'made' && /found by the run's tag/.test(e.message ?? '')),
    ).toBe(true);
    expect(run.status).not.toBe(0);
    expect(lastLine(run)).toMatch(/^(FAILED|UNAVAILABLE): /);
    expectDone(journal.entries);
    await expectClean(p, before, [run.dir]);
  });
});

describe.concurrent('another account', () => {
  it('write answers naming another account: writing stops at the first, what was made is undone', async () => {
    const other = `AC${'9'.repeat(32)}`;
    const { p, before, proxy, run, journal } = await runThrough(
      () => async (a, forward) =>
        a.method === 'GET' || a.method === 'DELETE'
          ? undefined
          : withJson(await forward(), (o) => ('account_sid' in o ? { ...o, account_sid: other } : o)),
    );
    expect(run.stdout).toMatch(
      new RegExp(
        `write\\.account .*answered account_sid ${other}, not the account written to \\(${creds.username}\\)`,
      ),
    );
    expect(proxy.seen.filter((a) => a.method === 'POST' || a.method === 'PUT').length).toBe(1);
    expect(run.status).toBe(1);
    expectDone(journal.entries);
    await expectClean(p, before, [run.dir]);
  });

  // With items on that account the census already shows it and nothing is written (access.test.ts);
  // an account that holds nothing shows no account until the first write answers.
  it('credentials whose account is not TWILIO_ACCOUNT_SID (an API key of another, empty account): the first answer stops the writes, its item is undone', async () => {
    const keys = await otherAccount(`AC${'4'.repeat(32)}`, 0, 6);
    const before = await snapshot(keys, contract);
    const proxy = await hostileProxy(keys.url);
    const run = await writingRun(proxy.url);
    expect(run.stdout).toMatch(/write\.account .*answered account_sid AC4{32}, not the account written to/);
    expect(proxy.seen.filter((a) => a.method === 'POST').length).toBe(1);
    expect(run.status).toBe(1);
    expectDone(journalIn(run.journalDir).entries);
    await expectClean(keys, before, [run.dir]);
  });
});

describe.concurrent('a removal that removes nothing', () => {
  it.each([
    ['204', { status: 204, body: '' }],
    ['404', errorAnswer(404, 'The requested resource was not found')],
  ])(
    'DELETE answered %s while the item stays: the run fails saying what is left; cleanup says NOT done until it is gone',
    async (_s, answer) => {
      const { p, before, proxy, run, journal } = await runThrough(
        () => (a) => (removesItem(a) ? answer : undefined),
      );
      expect(run.stdout).toMatch(
        /write\.cleanup .*left behind: ListAssistants \S+ — DELETE answered \d+ but \S+ still shows it; remove it with: npm run cleanup/,
      );
      expect(run.status).toBe(1);
      expect(journal.entries.some((e) => e.kind === 'done')).toBe(false);
      // A cleanup while the provider still keeps them: exit 1, NOT done, the journal stays open.
      const stuck = await cleanupRun(proxy.url, run.journalDir);
      expect(stuck.status).toBe(1);
      expect(stuck.stdout).toMatch(/: NOT done\n/);
      expect(lastLine(stuck)).toMatch(/^NOT done: 1 journal\(s\) could not be cleaned up/);
      // Once removals remove, a cleanup leaves nothing of the run.
      proxy.bend(undefined);
      const done = await cleanupRun(proxy.url, run.journalDir);
      expect(done.status, done.stdout).toBe(0);
      expect(lastLine(done)).toMatch(/^cleaned up: nothing the runs of this account and host made is left/);
      await expectClean(p, before, [run.dir]);
    },
  );

  it('DELETE answered 204 and the fetch 404 while the list still shows the item: never "done"', async () => {
    const said = new Set<string>();
    const { p, before, run, journal } = await runThrough(() => (a) => {
      if (removesItem(a)) {
        said.add(a.path);
        return { status: 204, body: '' };
      }
      return a.method === 'GET' && said.has(a.path)
        ? errorAnswer(404, 'The requested resource was not found')
        : undefined;
    });
    expect(run.stdout).toMatch(
      /write\.cleanup .*a sweep for the run's tag did not finish \(\d+ item\(s\) carrying the run's tag still listed after their removal\)/,
    );
    expect(run.status).toBe(1);
    expect(journal.entries.some((e) => e.kind === 'done')).toBe(false);
    const after = await snapshot(p, contract);
    for (const [list, items] of Object.entries(before))
      for (const it of items) expect(after[list]).toContainEqual(it);
  });
});

describe.concurrent('npm run record -- --writes', () => {
  it('spends its request cap, one create’s answer lost: what it made is still undone (outside the cap), its journal done, exit 0', async () => {
    const p = await provider(12);
    const before = await snapshot(p, contract);
    const proxy = await hostileProxy(
      p.url,
      carriedOut(ASSISTANTS, 2, () => 'reset'),
    );
    const dir = mkdtempSync(join(tmpdir(), 'record-'));
    const r = await runCli(
      'record',
      [
        '--target',
        'live',
        '--base-url',
        proxy.url,
        '--writes',
        creds.username,
        '--out',
        join(dir, 'cassette.json'),
      ],
      { ...env, CONFORMANCE_JOURNAL_DIR: join(dir, 'journal') },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /the request cap of 200 was reached: the cassette holds what was sent before it; what the recording made was then undone, outside the cap/,
    );
    // More was sent than the cap: the undo and its sweeps.
    expect(proxy.seen.length).toBeGreaterThan(200);
    const { entries } = journalIn(join(dir, 'journal'));
    expect(entries.some((e) => e.kind === 'made' && /found by the run's tag/.test(e.message ?? ''))).toBe(
      true,
    );
    expectDone(entries);
    await expectClean(p, before, [dir]);
  });
});
