// Writes on the reference provider: a run that may write arranges what every read needs, judges all
// 30 operations, and leaves nothing it made; on an empty provider too; on a made-up API as well
// (nothing here is keyed to Assistants); every write fault is caught; live targets stay GET-only
// without --writes, and --writes must name the credentials' account.

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/build';
import { FAULTS } from '../../src/provider/faults';
import { runJob } from '../../src/run/job';
import { readJournal } from '../../src/run/journal';
import { Contract } from '../../src/schemas/contract';
import { activeFault, type RunningProvider, startProvider } from '../../src/targets/targets';
import { FIXTURES, runCli } from '../support/fixtures';
import { contract } from '../support/provider';

const creds = { username: `AC${'0123456789abcdef'.repeat(2)}`, password: 'writes-test-token' };
const env = { TWILIO_ACCOUNT_SID: creds.username, TWILIO_AUTH_TOKEN: creds.password };
const auth = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
const started: Array<{ close(): Promise<void> }> = [];
afterAll(() => Promise.all(started.map((p) => p.close())));

async function provider(items: number, c: Contract = contract, fault?: string): Promise<RunningProvider> {
  const p = await startProvider({
    contract: c,
    items,
    seed: 5,
    credentials: creds,
    processingMs: 30,
    ...(fault ? { fault: activeFault(fault, c) } : {}),
  });
  started.push(p);
  return p;
}

/** A proxy in front of a provider that records the method and path of every request it is sent. */
async function recordingProxy(target: string) {
  const seen: string[] = [];
  const proxy = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      fetch(`${target}${req.url}`, {
        method: req.method ?? 'GET',
        headers: {
          authorization: req.headers.authorization ?? '',
          'content-type': req.headers['content-type'] ?? 'application/json',
        },
        ...(body.length ? { body } : {}),
      })
        .then(async (r) => {
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
          res.end(await r.text());
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  const handle = {
    url: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`,
    seen,
    close: async () => {
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    },
  };
  started.push(handle);
  return handle;
}

/**
 * What a run must leave as it found it: every item that was there, unchanged; and, in the lists a
 * delete empties, nothing more (a session or a policy no operation removes stays: the API has no way).
 */
function expectLeftAsFound(c: Contract, before: Record<string, unknown[]>, after: Record<string, unknown[]>) {
  for (const [list, items] of Object.entries(before)) {
    const removable = c.writes.some((w) => w.action === 'delete' && w.effect.list === list);
    if (removable) expect(after[list], list).toEqual(items);
    else for (const item of items) expect(after[list], list).toContainEqual(item);
  }
}

/** Every item every top-level list shows, by list. */
async function snapshot(p: RunningProvider, c: Contract): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const op of c.operations.filter((o) => o.kind === 'list' && o.pathParams.length === 0)) {
    const r = await fetch(`${p.url}${op.path}?PageSize=100`, { headers: { authorization: auth } });
    const body = (await r.json()) as Record<string, unknown>;
    out[op.id] = body[op.itemsKey ?? ''] as unknown[];
  }
  return out;
}

async function liveRun(p: { url: string }, c: Contract = contract, more: Record<string, unknown> = {}) {
  const journalDir = mkdtempSync(join(tmpdir(), 'journal-'));
  const [run] = await runJob({
    target: 'live',
    contract: c,
    baseUrl: p.url,
    recordingsDir: '',
    env,
    writesAccount: creds.username,
    journalDir,
    processingBoundMs: 3000,
    pollMs: 20,
    concurrency: 4,
    ...more,
  });
  if (!run) throw new Error('no run');
  return { run, journalDir };
}

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

describe('write faults are caught', () => {
  const cases = FAULTS.filter((f) => f.appliesToWrite).map(
    (f) => [f.name, contract.writes.find((w) => f.appliesToWrite?.(w))?.id ?? '', f.caughtBy] as const,
  );
  it.concurrent.each(cases)('%s on %s: %s', async (fault, write, caughtBy) => {
    const p = await provider(3, contract, `${fault}@${write}`);
    const { run } = await liveRun(p, contract, { operations: [write], pagination: false });
    expect(run.findings.filter((f) => f.severity === 'error').map((f) => f.rule)).toContain(caughtBy);
  });
});

describe('the lifecycle as a model (fast-check commands)', () => {
  it.concurrent.each([
    ['delete-leaves-item@DeleteTool', /answered 200; the model says 404/],
    ['attach-not-reflected', /the nested list of .* shows \[\]; the model says/],
    ['created-not-kept@CreateKnowledge', /answered 404; the model says 200/],
  ])('%s: the model disagrees, shrunk to the shortest sequence, replayable by seed', async (fault, why) => {
    const p = await provider(3, contract, fault);
    const { run } = await liveRun(p, contract, {
      pagination: false,
      rules: new Set(['write.lifecycle-model']),
      seed: 11,
      modelRuns: 25,
    });
    const [f] = run.findings.filter((x) => x.rule === 'write.lifecycle-model');
    expect(f?.severity).toBe('error');
    expect(f?.message).toMatch(why);
    expect(f?.message).toMatch(/shortest sequence .*\(seed 11, .*replay with --seed 11\)/);
  });

  it('holds on the faithful provider', async () => {
    const p = await provider(3);
    const { run } = await liveRun(p, contract, {
      pagination: false,
      rules: new Set(['write.lifecycle-model']),
      seed: 11,
      modelRuns: 25,
    });
    expect(run.results.find((r) => r.rule === 'write.lifecycle-model')?.outcome).toBe('passed');
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
