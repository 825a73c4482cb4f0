// Writes on the reference provider: a run that may write arranges what every read needs, judges all
// 30 operations, and leaves nothing it made; on an empty provider too; on a made-up API as well
// (nothing here is keyed to Assistants); live targets stay GET-only without --writes, and --writes
// must name the credentials' account.

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/build';
import { readJournal } from '../../src/run/journal';
import { Contract } from '../../src/schemas/contract';
import { FIXTURES, runCli } from '../support/fixtures';
import { contract } from '../support/provider';
import { env, expectLeftAsFound, liveRun, provider, recordingProxy, snapshot } from '../support/writes';

describe('a run with writes on a faithful provider', () => {
  it.each([
    ['an account with data', 12],
    ['an empty account', 0],
  ])(
    '%s: all 30 operations judged, every rule × GET operation judged, no error, nothing left',
    async (_n, items) => {
      const p = await provider(items);
      const before = await snapshot(p, contract);
      const { run, journalDir } = await liveRun(p);
      expect(run.findings.filter((f) => f.severity === 'error')).toEqual([]);
      const judged = new Set(run.results.filter((r) => r.outcome !== 'not-run').map((r) => r.operation));
      judged.delete('the run journal');
      judged.delete('the write lifecycle');
      expect(judged.size).toBe(30);
      const reads = run.results.filter((r) => r.operation.startsWith('GET '));
      expect(
        reads.filter((r) => r.outcome === 'not-run').map((r) => `${r.rule} ${r.operation}: ${r.reason}`),
      ).toEqual([]);
      // Nothing the run made is left; nothing that was there changed.
      expectLeftAsFound(contract, before, await snapshot(p, contract));
      const [file] = readdirSync(journalDir);
      const entries = readJournal(join(journalDir, file as string));
      expect(entries.at(-1)?.kind).toBe('done');
      expect(entries.filter((e) => e.kind === 'undone').length).toBeGreaterThan(20);
    },
  );

  it('a made-up API (no Assistants name anywhere) runs the same lifecycle with no error and nothing left', async () => {
    const spec = JSON.parse(readFileSync(join(FIXTURES, 'specs/gadgets.openapi.json'), 'utf8'));
    const c = new Contract(buildModel({ spec, specFile: 'gadgets.openapi.json' }), 'spec');
    const p = await provider(7, c);
    const before = await snapshot(p, c);
    const { run } = await liveRun(p, c);
    expect(run.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const judged = new Set(run.results.filter((r) => r.outcome !== 'not-run').map((r) => r.operation));
    expect(judged.size).toBe(c.operations.length + c.writes.length + 2);
    expectLeftAsFound(c, before, await snapshot(p, c));
  });
});

describe('safety', () => {
  it('without --writes a live run sends nothing but GET', async () => {
    const p = await provider(3);
    const proxy = await recordingProxy(p.url);
    const dir = mkdtempSync(join(tmpdir(), 'getonly-'));
    const r = await runCli(
      'conformance',
      ['--target', 'live', '--base-url', proxy.url, '--report-dir', dir, '--pagination-budget', '60'],
      env,
    );
    expect(r.stdout).not.toMatch(/writes allowed/);
    expect(proxy.seen.length).toBeGreaterThan(60);
    expect(new Set(proxy.seen.map((s) => s.split(' ')[0]))).toEqual(new Set(['GET']));
  });

  it('with --writes naming the credentials’ account, writes are sent (the same proxy sees them)', async () => {
    const p = await provider(3);
    const proxy = await recordingProxy(p.url);
    await liveRun(proxy, contract, { pagination: false });
    expect(new Set(proxy.seen.map((s) => s.split(' ')[0]))).toEqual(
      new Set(['GET', 'POST', 'PUT', 'DELETE']),
    );
  });

  it('--writes naming another account than the credentials’: one line, exit 2, nothing sent', async () => {
    const p = await provider(3);
    const proxy = await recordingProxy(p.url);
    const dir = mkdtempSync(join(tmpdir(), 'wrong-account-'));
    const r = await runCli(
      'conformance',
      ['--target', 'live', '--base-url', proxy.url, '--writes', `AC${'f'.repeat(32)}`, '--report-dir', dir],
      env,
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'conformance: --writes: the account named is not the account of the credentials (TWILIO_ACCOUNT_SID); nothing was sent\n',
    );
    expect(proxy.seen).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });
});
