// What the write suites share: credentials, a provider that the suite closes, a proxy that records
// what it is sent, a snapshot of every top-level list, and a live run with writes allowed.

import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { runJob } from '../../src/run/job';
import type { Contract } from '../../src/schemas/contract';
import { activeFault, type RunningProvider, startProvider } from '../../src/targets/targets';
import { send } from './http';
import { contract } from './provider';

export const creds = { username: `AC${'0123456789abcdef'.repeat(2)}`, password: 'writes-test-token' };
export const env = { TWILIO_ACCOUNT_SID: creds.username, TWILIO_AUTH_TOKEN: creds.password };
const auth = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
const started: Array<{ close(): Promise<void> }> = [];
afterAll(() => Promise.all(started.map((p) => p.close())));

export async function provider(
  items: number,
  c: Contract = contract,
  fault?: string,
): Promise<RunningProvider> {
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
export async function recordingProxy(target: string) {
  const seen: string[] = [];
  const proxy = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      send(`${target}${req.url}`, {
        method: req.method ?? 'GET',
        headers: {
          authorization: req.headers.authorization ?? '',
          'content-type': req.headers['content-type'] ?? 'application/json',
        },
        ...(body.length ? { body } : {}),
      })
        .then((r) => {
          res.writeHead(r.status, { 'content-type': r.headers['content-type'] ?? 'application/json' });
          res.end(r.text);
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
export function expectLeftAsFound(
  c: Contract,
  before: Record<string, unknown[]>,
  after: Record<string, unknown[]>,
) {
  for (const [list, items] of Object.entries(before)) {
    const removable = c.writes.some((w) => w.action === 'delete' && w.effect.list === list);
    if (removable) expect(after[list], list).toEqual(items);
    else for (const item of items) expect(after[list], list).toContainEqual(item);
  }
}

/** Every item every top-level list shows, by list. */
export async function snapshot(p: RunningProvider, c: Contract): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const op of c.operations.filter((o) => o.kind === 'list' && o.pathParams.length === 0)) {
    const r = await fetch(`${p.url}${op.path}?PageSize=100`, { headers: { authorization: auth } });
    const body = (await r.json()) as Record<string, unknown>;
    out[op.id] = body[op.itemsKey ?? ''] as unknown[];
  }
  return out;
}

export async function liveRun(
  p: { url: string },
  c: Contract = contract,
  more: Record<string, unknown> = {},
) {
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
    // Always a reference provider here (or a proxy that passes its answers on): it moves an update's
    // dates a second on itself, so no update waits for the next second as on Twilio.
    datesMoveOn: true,
    concurrency: 4,
    ...more,
  });
  if (!run) throw new Error('no run');
  return { run, journalDir };
}
