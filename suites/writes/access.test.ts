// A run that writes whose credentials never reach the account (issue #28, found from outside by the
// attack on the write path): refused credentials say so in one line and exit 2, exactly as a run
// that only reads — no report of a hundred findings, no write sent after the refusals, nothing of
// the run left open for a cleanup that the same credentials could not do either.

import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/fixtures';
import {
  hostileProxy,
  journalIn,
  otherAccount,
  secretsOnDisk,
  withJson,
  writingFlags,
  writingRun,
} from '../support/hostile';
import { contract } from '../support/provider';
import { creds, env, expectLeftAsFound, provider, snapshot } from '../support/writes';

describe.concurrent('a writing run whose credentials are refused', () => {
  it('says so in one line, exit 2, no report, no write sent, the user’s data untouched', async () => {
    const p = await provider(3);
    const before = await snapshot(p, contract);
    const proxy = await hostileProxy(p.url);
    const dir = mkdtempSync(join(tmpdir(), 'refused-'));
    const r = await runCli('conformance', writingFlags(proxy.url, dir), {
      ...env,
      CONFORMANCE_JOURNAL_DIR: join(dir, 'default'),
      TWILIO_AUTH_TOKEN: 'not-the-token',
    });
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^conformance: the credentials were refused: .*nothing was judged/);
    expect(r.stdout).not.toMatch(/FAILED|PASSED/);
    expect(existsSync(join(dir, 'conformance.json'))).toBe(false);
    // What was refused is refused: after the refusals no write is sent at all.
    expect(proxy.seen.filter((a) => a.method !== 'GET')).toEqual([]);
    expectLeftAsFound(contract, before, await snapshot(p, contract));
    expect(secretsOnDisk([dir], 'not-the-token', creds.username)).toEqual([]);
    // Its journal says the run ended: nothing was written, nothing is left for a cleanup to do.
    expect(journalIn(join(dir, 'journal')).entries.at(-1)?.kind).toBe('done');
  });
});

describe.concurrent('a writing run whose credentials reach another account than the one named', () => {
  it('with items on it (an API key of another account): the census shows it, nothing is written, one line, exit 2', async () => {
    const keys = await otherAccount(`AC${'4'.repeat(32)}`, 3, 6);
    const before = await snapshot(keys, contract);
    const proxy = await hostileProxy(keys.url);
    const run = await writingRun(proxy.url);
    expect(run.status, run.stdout + run.stderr).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^conformance: the answers are another account's: .*AC4{32}/);
    expect(proxy.seen.filter((a) => a.method !== 'GET')).toEqual([]);
    expect(existsSync(join(run.dir, 'conformance.json'))).toBe(false);
    expect(journalIn(run.journalDir).entries.at(-1)?.kind).toBe('done');
    expectLeftAsFound(contract, before, await snapshot(keys, contract));
  });
});

describe.concurrent('npm run record -- --writes, write answers naming another account', () => {
  it('stops writing, undoes what it made, and says so: FAILED in one line, exit 1 (not a quiet exit 0)', async () => {
    const p = await provider(3);
    const before = await snapshot(p, contract);
    const other = `AC${'4'.repeat(32)}`;
    const proxy = await hostileProxy(p.url, async (a, forward) =>
      a.method === 'GET' ? undefined : withJson(await forward(), (o) => ({ ...o, account_sid: other })),
    );
    const dir = mkdtempSync(join(tmpdir(), 'record-other-'));
    const r = await runCli(
      'record',
      ['--target', 'live', '--base-url', proxy.url, '--writes', creds.username, '--out', join(dir, 'c.json')],
      { ...env, CONFORMANCE_JOURNAL_DIR: join(dir, 'journal') },
    );
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(
      new RegExp(
        `^FAILED: \\w+ answered account_sid ${other}, not the account written to \\(\\w+\\): writing stopped, what the run made is undone$`,
      ),
    );
    // One write went out before the answer said whose it was; it was undone.
    expect(proxy.seen.filter((a) => a.method === 'POST')).toHaveLength(1);
    expect(journalIn(join(dir, 'journal')).entries.at(-1)?.kind).toBe('done');
    expectLeftAsFound(contract, before, await snapshot(p, contract));
    expect(secretsOnDisk([dir], creds.password, creds.username)).toEqual([]);
  });
});

describe.concurrent('npm run record with credentials the API refuses', () => {
  it.each([
    ['reads only', []],
    ['with --writes', ['--writes', creds.username]],
  ])('%s: one line, exit 2, no cassette, no write sent', async (_n, more) => {
    const p = await provider(3);
    const before = await snapshot(p, contract);
    const proxy = await hostileProxy(p.url);
    const dir = mkdtempSync(join(tmpdir(), 'record-refused-'));
    const out = join(dir, 'c.json');
    const r = await runCli('record', ['--target', 'live', '--base-url', proxy.url, ...more, '--out', out], {
      ...env,
      TWILIO_AUTH_TOKEN: 'not-the-token',
      CONFORMANCE_JOURNAL_DIR: join(dir, 'journal'),
    });
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^record: the credentials were refused: .*nothing was recorded$/),
    ]);
    expect(existsSync(out)).toBe(false);
    expect(proxy.seen.filter((a) => a.method !== 'GET')).toEqual([]);
    expectLeftAsFound(contract, before, await snapshot(p, contract));
  });
});

describe.concurrent('npm run pact:verify -- --writes with credentials the API refuses', () => {
  it('one line naming the credentials, exit 2, nothing written, no journal left to clean up', async () => {
    const p = await provider(3);
    const before = await snapshot(p, contract);
    const proxy = await hostileProxy(p.url);
    const dir = mkdtempSync(join(tmpdir(), 'pact-refused-'));
    const r = await runCli(
      'pact-verify',
      ['--base-url', proxy.url, '--writes', creds.username, '--report-dir', dir],
      { ...env, TWILIO_AUTH_TOKEN: 'not-the-token', PACT_BROKER_BASE_URL: '' },
    );
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^pact:verify: the credentials were refused: GET \/v1\/\w+ answered 401; .*nothing was written$/,
      ),
    ]);
    expect(proxy.seen.filter((a) => a.method !== 'GET')).toEqual([]);
    expect(existsSync(join(dir, 'journal')) && readdirSync(join(dir, 'journal')).length).toBeFalsy();
    expectLeftAsFound(contract, before, await snapshot(p, contract));
  });

  it('an https:// URL at a plain-HTTP port: one line naming the URL, exit 2, no journal', async () => {
    const p = await provider(3);
    const https = p.url.replace('http://', 'https://');
    const dir = mkdtempSync(join(tmpdir(), 'pact-tls-'));
    const r = await runCli(
      'pact-verify',
      ['--base-url', https, '--writes', creds.username, '--report-dir', dir],
      { ...env, CONFORMANCE_JOURNAL_DIR: join(dir, 'pointers'), PACT_BROKER_BASE_URL: '' },
    );
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `pact:verify: no TLS at ${https} (OpenSSL: wrong version number): the server there does not speak https: use its http:// URL, or the port that serves TLS; nothing was verified, nothing was written`,
    ]);
    expect(existsSync(join(dir, 'journal')) || existsSync(join(dir, 'pointers'))).toBe(false);
  });
});

describe.concurrent('what a passing run that writes leaves on the account', () => {
  it('is said: a line, and conformance.json, count what no operation removes, never fewer than the provider kept', async () => {
    const p = await provider(3);
    const before = await snapshot(p, contract);
    const run = await writingRun(p.url);
    expect(run.status, run.stdout).toBe(0);
    const line = run.stdout.split('\n').find((l) => l.startsWith('left on the account'));
    expect(line).toMatch(
      /^left on the account, as no operation removes them: up to .*\b\d+ of ListPolicies\b/,
    );
    // Before any write, the command that finishes the run's work should it be killed.
    expect(run.stdout).toContain(
      `; should the run be killed: npm run cleanup -- --base-url ${p.url} --writes ${creds.username} --journal-dir ${run.journalDir}\n`,
    );
    const report = JSON.parse(readFileSync(join(run.dir, 'conformance.json'), 'utf8'));
    const said = report.runs[0].unremovable as Record<string, number>;
    const after = await snapshot(p, contract);
    // Every top-level list the run left items in is counted, never fewer than stayed (the journal
    // counts what was made; the provider may remove some with what made them).
    let left = 0;
    for (const [list, items] of Object.entries(after)) {
      const gained = items.length - (before[list]?.length ?? 0);
      left += Math.max(0, gained);
      if (gained > 0) expect(said[list], list).toBeGreaterThanOrEqual(gained);
    }
    expect(left).toBeGreaterThan(0);
  });

  it('on the reference provider (--target local), which ends with the run: no cleanup command, no account it stays on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-writes-'));
    const run = await runCli('conformance', ['--target', 'local', '--no-pagination', '--report-dir', dir], {
      CONFORMANCE_JOURNAL_DIR: join(dir, 'default'),
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/npm run cleanup|should the run be killed|left on the account/);
    const journalled = run.stdout.match(/^ {2}writes journalled in (\S+\.jsonl)(.*)$/m);
    expect(journalled?.[2]).toBe('; the reference provider ends with the run: nothing is left to clean up');
    expect(existsSync(journalled?.[1] as string)).toBe(true);
    expect(run.stdout).toMatch(
      /^made by the run and removed by no operation: up to .*\b\d+ of ListPolicies\b.* \(on the reference provider, which ended with the run; on a real account they stay\)$/m,
    );
    const report = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8'));
    expect(Object.keys(report.runs[0].unremovable)).toContain('ListPolicies');
  });

  it('npm run record -- --target local says the same of its journal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-record-'));
    const run = await runCli('record', ['--target', 'local', '--out', join(dir, 'c.json')], {
      CONFORMANCE_JOURNAL_DIR: join(dir, 'journal'),
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/npm run cleanup|should the run be killed/);
    expect(run.stdout).toMatch(
      /^ {2}writes journalled in \S+\.jsonl; the reference provider ends with the run: nothing is left to clean up$/m,
    );
  });
});
