// `npm run cleanup` against what a provider, a user or a crash can put in its way (issue #28): a tag
// search that cannot finish (a 500, the page cap), another account's credentials or host, a journal
// with an empty or malformed tag, a journal whose run is still going, a torn last line, a damaged
// journal beside good ones, a journal folder that is a file. It removes only what the runs made,
// never says "cleaned up" unless a read of every list showed nothing of them, and says what happened
// in one line with an exit code that means it.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/run/journal';
import { runCli, startProcess } from '../support/fixtures';
import {
  type Bend,
  carriedOut,
  cleanupRun,
  errorAnswer,
  hostileProxy,
  journalIn,
  lastLine,
  otherAccount,
  secretsOnDisk,
  withJson,
  writingFlags,
  writingRun,
} from '../support/hostile';
import { contract } from '../support/provider';
import { creds, env, expectLeftAsFound, provider, snapshot } from '../support/writes';

/** Removals of top-level items answered 204 while the items stay: what a run makes is left behind. */
const keepsItems: Bend = (a) =>
  a.method === 'DELETE' && /^\/v1\/(Assistants|Tools|Knowledge)\/[^/]+$/.test(a.path)
    ? { status: 204, body: '' }
    : undefined;

/**
 * A run that left items behind (its removals kept them) and made one it never heard of (the
 * connection reset once the create was carried out): its journal is open, for a cleanup to finish.
 */
async function leftBehind(o: { sweepsFail?: boolean } = {}) {
  const p = await provider(3);
  const before = await snapshot(p, contract);
  // The run's own searches for its tag (the list read whole, at PageSize 1000) answered 500: it never
  // finds what it made without hearing of it.
  const hidden: Bend = (a) =>
    o.sweepsFail && a.method === 'GET' && a.url === '/v1/Assistants?PageSize=1000'
      ? errorAnswer(500, 'Internal Server Error')
      : undefined;
  const lost = carriedOut('/v1/Assistants', 2, () => 'reset');
  const proxy = await hostileProxy(
    p.url,
    async (a, forward) => (await lost(a, forward)) ?? hidden(a, forward) ?? keepsItems(a, forward),
  );
  const run = await writingRun(proxy.url, ['--only', 'write.cleanup']);
  expect(run.status).toBe(1);
  proxy.bend(undefined);
  return { p, before, proxy, run, journalDir: run.journalDir };
}

const listAnswers =
  (path: string, answer: Bend): Bend =>
  (a, forward) =>
    a.method === 'GET' && a.path === path ? answer(a, forward) : undefined;

describe.concurrent('a tag search that cannot finish is never "cleaned up"', () => {
  it('a list answering 500 through the cleanup: NOT done, exit 1; the next cleanup, once it answers, leaves nothing', async () => {
    const { p, before, proxy, journalDir } = await leftBehind({ sweepsFail: true });
    proxy.bend(listAnswers('/v1/Assistants', () => errorAnswer(500, 'Internal Server Error')));
    const failed = await cleanupRun(proxy.url, journalDir);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(/did not finish: \/v1\/Assistants: \S+ answered 500/);
    expect(lastLine(failed)).toMatch(/^NOT done: 1 journal\(s\) could not be cleaned up/);
    proxy.bend(undefined);
    const done = await cleanupRun(proxy.url, journalDir);
    expect(done.status, done.stdout).toBe(0);
    expect(done.stdout).toMatch(/\(1 found by the tag\)/);
    expectLeftAsFound(contract, before, await snapshot(p, contract));
  });

  it('the list that holds what the run never heard of never ends (the page cap): NOT done, exit 1; then, read whole, nothing left', async () => {
    const { p, before, proxy, journalDir } = await leftBehind({ sweepsFail: true });
    let page = 0;
    // Every page links to one more: the same first page, forever.
    proxy.bend(
      listAnswers('/v1/Assistants', async (_a, forward) =>
        withJson(await forward('/v1/Assistants?PageSize=1000'), (o) => ({
          ...o,
          meta: {
            ...(o.meta as object),
            next_page_url: `${proxy.url}/v1/Assistants?PageSize=1000&Page=${++page}`,
          },
        })),
      ),
    );
    const r = await cleanupRun(proxy.url, journalDir);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/did not finish: \/v1\/Assistants: more than 50 pages/);
    expect(lastLine(r)).toMatch(/^NOT done: 1 journal\(s\) could not be cleaned up/);
    proxy.bend(undefined);
    const done = await cleanupRun(proxy.url, journalDir);
    expect(done.status, done.stdout).toBe(0);
    expectLeftAsFound(contract, before, await snapshot(p, contract));
  });
});

describe.concurrent('another account, another host', () => {
  it('another account’s credentials, or another host: refused, nothing sent, exit 2', async () => {
    const { p, before, proxy, journalDir } = await leftBehind();
    const sent = proxy.seen.length;
    const other = { TWILIO_ACCOUNT_SID: `AC${'7'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'another-accounts-token' };
    const account = await cleanupRun(proxy.url, journalDir, other);
    expect(account.status).toBe(2);
    expect(account.stdout).toMatch(
      new RegExp(
        `refused: that run wrote to account ${creds.username}, not ${other.TWILIO_ACCOUNT_SID}; nothing was sent for it`,
      ),
    );
    const elsewhere = await hostileProxy(p.url);
    const host = await cleanupRun(elsewhere.url, journalDir);
    expect(host.status).toBe(2);
    expect(host.stdout).toMatch(new RegExp(`refused: that run wrote to ${proxy.url}, not ${elsewhere.url}`));
    expect(host.stderr).toMatch(/^cleanup: every journal found belongs to another account or host/);
    expect(proxy.seen.length).toBe(sent);
    expect(elsewhere.seen).toEqual([]);
    // What the run left is still there for the right cleanup: nothing of the user's changed meanwhile.
    const after = await snapshot(p, contract);
    for (const [list, items] of Object.entries(before))
      for (const it of items) expect(after[list]).toContainEqual(it);
  });

  it('credentials that reach another account behind the same host (an API key of another): nothing removed, NOT done', async () => {
    const { p, before, proxy, journalDir } = await leftBehind();
    const keys = await otherAccount(`AC${'5'.repeat(32)}`, 2, 8);
    const theirs = await snapshot(keys, contract);
    const sent = proxy.seen.length;
    proxy.retarget(keys.url);
    const r = await cleanupRun(proxy.url, journalDir);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /it shows items of account AC5{32}, not of AC\w+: these credentials do not reach what the run made/,
    );
    expect(proxy.seen.slice(sent).filter((a) => a.method !== 'GET')).toEqual([]);
    expect(await snapshot(keys, contract)).toEqual(theirs);
    // Back on the run's account, the journal is still whole: nothing of the run is left after it.
    proxy.retarget(p.url);
    const done = await cleanupRun(proxy.url, journalDir);
    expect(done.status, done.stdout).toBe(0);
    expectLeftAsFound(contract, before, await snapshot(p, contract));
  });
});

describe.concurrent('journals', () => {
  // One run's journal for the three: a refused journal sends nothing, so each case gets a copy of it.
  let shared: ReturnType<typeof leftBehind> | undefined;
  it.each([
    ['empty', ''],
    ['not of a run’s shape', 'conformance-'],
    ['a word every name holds', 'name'],
  ])('a journal whose tag is %s: refused, nothing sent, the user’s items untouched', async (_n, tag) => {
    shared ??= leftBehind();
    const { p, before, proxy, journalDir } = await shared;
    const { file } = journalIn(journalDir);
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    const text = readFileSync(file, 'utf8').replace(
      /"tag":"conformance-[^"]*"/g,
      `"tag":${JSON.stringify(tag)}`,
    );
    writeFileSync(join(dir, basename(file)), text);
    const sent = proxy.seen.length;
    const r = await cleanupRun(proxy.url, dir);
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(
      new RegExp(`refused: its tag ${JSON.stringify(JSON.stringify(tag)).slice(1, -1)} is not a run's own`),
    );
    expect(proxy.seen.length).toBe(sent);
    const after = await snapshot(p, contract);
    for (const [list, items] of Object.entries(before))
      for (const it of items) expect(after[list]).toContainEqual(it);
  });

  it('a journal naming an item that does not show its tag (copied, edited, damaged): that item is never removed, the rest is, exit 1', async () => {
    const { p, before, proxy, journalDir } = await leftBehind();
    const users = (before.ListAssistants?.[0] as { id: string } | undefined)?.id as string;
    expect(users).toBeDefined();
    const { file } = journalIn(journalDir);
    // The newest assistant the run made, as the journal names it, swapped for the user's.
    const lines = readFileSync(file, 'utf8').split('\n');
    const k = lines.findLastIndex((l) => /"kind":"made".*"path":"\/v1\/Assistants\/[^"/]+"/.test(l));
    const ours = JSON.parse(lines[k] as string).id as string;
    lines[k] = (lines[k] as string).split(ours).join(users);
    writeFileSync(file, lines.join('\n'));
    const sent = proxy.seen.length;
    const r = await cleanupRun(proxy.url, journalDir);
    expect(r.status, r.stdout).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(`left: ListAssistants ${users}: /v1/Assistants/${users} does not show the run's tag`),
    );
    expect(proxy.seen.slice(sent).filter((a) => a.method !== 'GET' && a.path.includes(users))).toEqual([]);
    const after = await snapshot(p, contract);
    for (const [list, items] of Object.entries(before))
      for (const it of items) expect(after[list]).toContainEqual(it);
    // What the run made is gone all the same: the one it no longer names, found by its tag.
    const ids = (s: Record<string, unknown[]>) =>
      (s.ListAssistants as Array<{ id: string }>).map((i) => i.id).sort();
    expect(ids(after)).toEqual(ids(before));
  });

  it('a torn last line, and a damaged journal beside good ones: the good ones are cleaned up, the damaged one named, exit 1', async () => {
    const one = await leftBehind();
    const two = await leftBehind();
    const dir = mkdtempSync(join(tmpdir(), 'journals-'));
    // The first journal torn mid-line right after a '}', as a kill mid-write leaves it.
    const first = journalIn(one.journalDir).file;
    const kept = readFileSync(first, 'utf8').split('\n');
    const k = kept.findLastIndex((l) => l.includes('"undo":{'));
    const torn = (kept[k] as string).slice(0, (kept[k] as string).indexOf('}') + 1);
    writeFileSync(join(dir, basename(first)), `${kept.slice(0, k).join('\n')}\n${torn}`);
    // The second with a damaged line in its middle.
    const second = journalIn(two.journalDir).file;
    const lines = readFileSync(second, 'utf8').split('\n');
    lines[5] = '{"kind":"made","id":';
    writeFileSync(join(dir, basename(second)), lines.join('\n'));
    // And a file that is no journal at all.
    writeFileSync(join(dir, 'conformance-000000000000-000000.00000000.jsonl'), 'not a journal\n\u0000\u0001');
    const r1 = await cleanupRun(one.proxy.url, dir);
    const r2 = await cleanupRun(two.proxy.url, dir);
    // Each cleanup does its own host's journal (the other's refused while it is open) and names the damage.
    for (const r of [r1, r2]) {
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(
        /conformance-000000000000-000000\.00000000\.jsonl: left alone: no line of it can be read/,
      );
      expect(lastLine(r)).toMatch(
        /^NOT done: 1 journal\(s\) could not be cleaned up, 0 held by a run still going .*; 1 cleaned up/,
      );
    }
    expect(lastLine(r1)).toMatch(
      /; 1 of another account or host, or not a run's, left alone \(nothing sent\)$/,
    );
    expect(r1.stdout).toMatch(/skipped line \d+ \(torn: no end of line\)/);
    expect(r2.stdout).toMatch(/skipped line 6: /);
    expectLeftAsFound(contract, one.before, await snapshot(one.p, contract));
    expectLeftAsFound(contract, two.before, await snapshot(two.p, contract));
    // The torn journal was ended before the cleanup appended to it: every line but the torn one reads.
    const damaged: string[] = [];
    readJournal(join(dir, basename(first)), damaged);
    expect(damaged).toHaveLength(1);
  });

  it('--journal-dir or CONFORMANCE_JOURNAL_DIR naming a file, or a report folder whose journal is a file: one line, exit 2, nothing sent', async () => {
    const p = await provider(2);
    const proxy = await hostileProxy(p.url);
    const file = join(mkdtempSync(join(tmpdir(), 'not-a-folder-')), 'journal');
    writeFileSync(file, 'a file\n');
    const flag = await cleanupRun(proxy.url, file);
    expect([flag.status, flag.stderr]).toEqual([
      2,
      `cleanup: --journal-dir ${file}: not a folder; nothing was sent\n`,
    ]);
    const fallback = await runCli('cleanup', ['--base-url', proxy.url, '--writes', creds.username], {
      ...env,
      CONFORMANCE_JOURNAL_DIR: file,
    });
    expect(fallback.status).toBe(2);
    expect(fallback.stderr).toMatch(
      /^cleanup: CONFORMANCE_JOURNAL_DIR \(the default journal folder\) \S+: not a folder; nothing was sent\n$/,
    );
    const reports = mkdtempSync(join(tmpdir(), 'reports-'));
    writeFileSync(join(reports, 'journal'), 'a file\n');
    const run = await runCli('conformance', writingFlags(proxy.url, reports), {
      ...env,
      CONFORMANCE_JOURNAL_DIR: join(reports, 'default'),
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^conformance: journal \S+: cannot be written \((EEXIST|ENOTDIR)\); nothing was sent\n$/,
    );
    expect(proxy.seen).toEqual([]);
  });

  it('a cleanup started while the run is still going leaves its journal alone; the run ends clean, its journal whole', async () => {
    const p = await provider(3);
    const before = await snapshot(p, contract);
    // A slow provider until the cleanup has ended: every request takes 20 ms more, so the run is
    // still going when the cleanup starts and while it reads the journal; then at full speed.
    let slow = true;
    const proxy = await hostileProxy(p.url, async () => {
      if (slow) await new Promise((r) => setTimeout(r, 20));
      return undefined;
    });
    const reports = mkdtempSync(join(tmpdir(), 'live-run-'));
    const child = startProcess('conformance', writingFlags(proxy.url, reports), {
      ...env,
      CONFORMANCE_JOURNAL_DIR: join(reports, 'default'),
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const ended = new Promise<number | null>((r) => child.once('close', r));
    const journalDir = join(reports, 'journal');
    for (let k = 0; k < 600 && !/"kind":"made"/.test(readIfThere(journalDir)); k++)
      await new Promise((r) => setTimeout(r, 10));
    const during = await cleanupRun(proxy.url, journalDir);
    slow = false;
    expect(during.stdout).toMatch(/left alone: held by a running process \(pid \d+\)/);
    expect(during.status).toBe(1);
    expect(lastLine(during)).toMatch(
      /^NOT done: 0 journal\(s\) could not be cleaned up, 1 held by a run still going/,
    );
    const status = await ended;
    expect(out).toMatch(/\nPASSED: \d+\/\d+ operations judged, no blocking error/);
    expect(status, out).toBe(0);
    const damaged: string[] = [];
    const entries = readJournal(journalIn(journalDir).file, damaged);
    expect(damaged).toEqual([]);
    expect(entries.at(-1)?.kind).toBe('done');
    expectLeftAsFound(contract, before, await snapshot(p, contract));
    expect(secretsOnDisk([reports], creds.password, creds.username)).toEqual([]);
  });
});

function readIfThere(dir: string): string {
  try {
    return readFileSync(journalIn(dir).file, 'utf8');
  } catch {
    return '';
  }
}
