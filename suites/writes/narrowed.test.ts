// A run narrowed by --only sends no refusal that none of its rules judges: each is a write, on a real
// account one that a broken provider may carry out. What it needs for its rules is still sent, and a
// run that is not narrowed sends every refusal.

import { describe, expect, it } from 'vitest';
import { UNKNOWN_ID } from '../../src/run/plan-state';
import { runCli } from '../support/fixtures';
import { type Asked, hostileProxy, writingRun } from '../support/hostile';
import { creds, provider } from '../support/writes';

const write = (a: Asked) => a.method !== 'GET';
const isJson = (body: string) => {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
};
/** The refusals a run sent, by kind: writes without credentials, to an unknown id, of malformed JSON. */
const refusalsIn = (seen: readonly Asked[]) => ({
  noAuth: seen.filter((a) => write(a) && !a.authorized).length,
  unknownId: seen.filter((a) => write(a) && a.path.includes(UNKNOWN_ID)).length,
  malformed: seen.filter((a) => write(a) && a.body !== '' && !isJson(a.body)).length,
});

async function narrowedRun(only?: string) {
  const p = await provider(3);
  const proxy = await hostileProxy(p.url);
  const run = await writingRun(proxy.url, only ? ['--only', only] : []);
  return { run, sent: refusalsIn(proxy.seen), writes: proxy.seen.filter(write).length };
}

describe.concurrent('--only and the refusals a run sends', () => {
  it('not narrowed: every kind of refusal is sent', async () => {
    const { run, sent } = await narrowedRun();
    expect(run.status, run.stdout).toBe(0);
    expect(sent.noAuth).toBeGreaterThan(10);
    expect(sent.unknownId).toBeGreaterThan(5);
    expect(sent.malformed).toBeGreaterThan(5);
  });

  it('--only write.cleanup: no refusal at all, and what it judges is still made and undone', async () => {
    const { run, sent, writes } = await narrowedRun('write.cleanup');
    expect(sent).toEqual({ noAuth: 0, unknownId: 0, malformed: 0 });
    expect(writes).toBeGreaterThan(20);
    expect(run.stdout).toMatch(/write\.cleanup +1\/1 judged/);
  });

  it('--only write.auth-required: the writes without credentials alone', async () => {
    const { run, sent } = await narrowedRun('write.auth-required');
    expect(run.status, run.stdout).toBe(0);
    expect(sent.noAuth).toBeGreaterThan(10);
    expect(sent.unknownId).toBe(0);
    expect(sent.malformed).toBe(0);
  });

  it('--dry-run says which refusals a narrowed run sends', async () => {
    const plan = (only: string[]) =>
      runCli('conformance', [
        ...['--target', 'live', '--base-url', 'http://127.0.0.1:9', '--writes', creds.username],
        ...['--dry-run', ...only],
      ]);
    const all = await plan([]);
    expect(all.stdout).toMatch(
      /write {2}POST \/v1\/Tools \(create\): \d+ refused bodies, malformed JSON, no credentials$/m,
    );
    const none = await plan(['--only', 'write.cleanup']);
    expect(none.stdout).toMatch(
      /write {2}POST \/v1\/Tools \(create\): no refusal \(no rule the run was narrowed to judges one\)$/m,
    );
    const auth = await plan(['--only', 'write.unknown-id']);
    expect(auth.stdout).toMatch(/write {2}DELETE \/v1\/Tools\/\{id\} \(delete\): an unknown id$/m);
  });
});
