// A run that writes, killed: SIGKILL mid-run leaves a journal from which `npm run cleanup` removes
// exactly what that run made; SIGTERM stops sending, undoes what the run made and writes reports.

import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startProvider } from '../../src/targets/targets';
import { runCli, startProcess } from '../support/fixtures';
import { contract } from '../support/provider';

const creds = { username: `AC${'0123456789abcdef'.repeat(2)}`, password: 'killed-test-token' };
const env = { TWILIO_ACCOUNT_SID: creds.username, TWILIO_AUTH_TOKEN: creds.password };
const auth = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
const closers: Array<() => Promise<void>> = [];
afterAll(() => Promise.all(closers.map((c) => c())));

/** The ids every top-level list shows. */
async function ids(url: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const op of contract.operations.filter((o) => o.kind === 'list' && o.pathParams.length === 0)) {
    const r = await fetch(`${url}${op.path}?PageSize=1000`, { headers: { authorization: auth } });
    const items = ((await r.json()) as Record<string, unknown>)[op.itemsKey ?? ''] as Array<
      Record<string, unknown>
    >;
    out[op.id] = items.map((it) => String(it[op.idField ?? 'id']));
  }
  return out;
}
const removable = (list: string) =>
  contract.writes.some((w) => w.action === 'delete' && w.effect.list === list);

async function madeEntries(dir: string): Promise<number> {
  if (!existsSync(dir)) return 0;
  const files = readdirSync(dir);
  return files.length
    ? readFileSync(join(dir, files[0] as string), 'utf8')
        .split('\n')
        .filter((l) => l.includes('"kind":"made"')).length
    : 0;
}

/** A provider, the ids it lists, and a run that writes to it, started as a process (to be killed). */
async function startWritingRun(name: string) {
  const provider = await startProvider({ contract, items: 4, seed: 9, credentials: creds, processingMs: 30 });
  closers.push(() => provider.close());
  const before = await ids(provider.url);
  const reports = mkdtempSync(join(tmpdir(), `${name}-`));
  const child = startProcess(
    'conformance',
    // Polling for processing gives up after 3 s, not live's 30 s: a stopped run's reads are never sent.
    [
      '--target',
      'live',
      '--base-url',
      provider.url,
      '--writes',
      creds.username,
      '--report-dir',
      reports,
      '--processing-timeout',
      '3',
    ],
    env,
  );
  return { provider, before, reports, journalDir: join(reports, 'journal'), child };
}

describe('a killed run', () => {
  it('SIGKILL mid-run, then npm run cleanup: nothing the run made is left, nothing else is touched', async () => {
    const { provider, before, journalDir, child } = await startWritingRun('killed');
    // Killed once the run has made a good part of its data, mid-arrange.
    for (let k = 0; k < 400 && (await madeEntries(journalDir)) < 12; k++)
      await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    expect(await madeEntries(journalDir)).toBeGreaterThanOrEqual(12);
    const during = await ids(provider.url);
    expect(Object.values(during).flat().length).toBeGreaterThan(Object.values(before).flat().length);

    const r = await runCli(
      'cleanup',
      ['--base-url', provider.url, '--writes', creds.username, '--journal-dir', journalDir],
      env,
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cleaned up: nothing the runs of this account and host made is left/);
    const after = await ids(provider.url);
    for (const [list, was] of Object.entries(before)) {
      if (removable(list)) expect(after[list], list).toEqual(was);
      else expect(after[list], list).toEqual(expect.arrayContaining(was));
    }
    // A second cleanup finds nothing to do.
    const again = await runCli(
      'cleanup',
      ['--base-url', provider.url, '--writes', creds.username, '--journal-dir', journalDir],
      env,
    );
    expect(again.stdout).toMatch(/nothing to clean up/);
  });

  it('cleanup refuses another account, and another host than the run wrote to: one line, exit 2', async () => {
    const wrong = await runCli(
      'cleanup',
      ['--base-url', 'http://127.0.0.1:9', '--writes', `AC${'e'.repeat(32)}`],
      env,
    );
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(
      /^cleanup: --writes: the account named is not the account of the credentials/,
    );
    const none = await runCli('cleanup', ['--base-url', 'http://127.0.0.1:9'], env);
    expect(none.status).toBe(2);
  });

  it('SIGTERM mid-run: it stops sending, undoes what it made, and writes its reports', async () => {
    const { provider, before, reports, journalDir, child } = await startWritingRun('terminated');
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    for (let k = 0; k < 400 && (await madeEntries(journalDir)) < 12; k++)
      await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGTERM');
    const status = await new Promise((r) => child.once('close', r));
    expect(stderr).toMatch(/SIGTERM: stopping; undoing what the run made/);
    expect(status).not.toBe(0);
    expect(existsSync(join(reports, 'conformance.json'))).toBe(true);
    const after = await ids(provider.url);
    for (const [list, was] of Object.entries(before))
      if (removable(list)) expect(after[list], list).toEqual(was);
  });
});
