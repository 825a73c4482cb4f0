// A whole-API run that writes (`npm run conformance -- --target live --writes …` against a local
// reference provider), beside its floor: the same requests, replayed one after another on one
// kept-alive connection with nothing judged. Measured with knowledge processed at once (50 ms) and
// slowly (1.5 s): the run should do its other work while it waits. The recording run goes through a
// counting proxy: requests, writes and the connections they took.

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract } from '../src/schemas/contract';
import { PROJECT_ROOT } from '../src/sources/paths';
import { type RunningProvider, startProvider } from '../src/targets/targets';
import type { BenchLine } from './line';

const ACCOUNT = `AC${'be'.repeat(16)}`;
const CREDENTIALS = { username: ACCOUNT, password: 'bench' };
const contract = Contract.load(join(PROJECT_ROOT, 'schemas'), 'both');

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

const provider = (processingMs: number) =>
  startProvider({ contract, items: 30, seed: 3, credentials: CREDENTIALS, processingMs });

/** The conformance command against `baseUrl`, with writes; its wall time. */
function run(baseUrl: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const args = [
      '--target',
      'live',
      '--writes',
      ACCOUNT,
      '--seed',
      '7',
      '--report-dir',
      mkdtempSync(join(tmpdir(), 'bench-w-')),
    ];
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist/cli/conformance.mjs'), ...args], {
      env: {
        ...process.env,
        TWILIO_ASSISTANTS_BASE_URL: baseUrl,
        TWILIO_ACCOUNT_SID: ACCOUNT,
        TWILIO_AUTH_TOKEN: 'bench',
      },
      stdio: process.env.BENCH_VERBOSE ? 'inherit' : 'ignore',
    });
    child.on('close', (code) =>
      code === 0 ? resolve(performance.now() - started) : reject(new Error(`conformance exited ${code}`)),
    );
  });
}

/** A proxy that forwards to `target` and keeps every request in order, and counts the connections it was sent on. */
async function recorder(target: string) {
  const sent: Sent[] = [];
  let connections = 0;
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([k]) => k === 'authorization' || k === 'content-type' || k === 'host',
        ),
      ) as Record<string, string>;
      const body = Buffer.concat(chunks);
      sent.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers, body });
      const out = http.request(
        `${target}${req.url}`,
        { method: req.method, headers: { ...headers, 'content-length': body.length }, agent },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  server.on('connection', () => connections++);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      agent.destroy();
      server.close(() => r());
    });
  return { url, sent, connections: () => connections, close };
}

/** The floor: every request once, in order, on one kept-alive connection, bodies read and dropped. */
async function replay(p: RunningProvider, sent: readonly Sent[]): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const started = performance.now();
  for (const s of sent)
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        `${p.url}${s.url}`,
        { method: s.method, headers: { ...s.headers, 'content-length': s.body.length }, agent },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end(s.body);
    });
  agent.destroy();
  return performance.now() - started;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function measure(processingMs: number): Promise<BenchLine[]> {
  const first = await provider(processingMs);
  const rec = await recorder(first.url);
  try {
    await run(rec.url);
  } finally {
    await rec.close();
    await first.close();
  }
  const walls: number[] = [];
  const floors: number[] = [];
  for (let k = 0; k < 3; k++) {
    const p = await provider(processingMs);
    walls.push(await run(p.url).finally(() => p.close()));
    const q = await provider(processingMs);
    floors.push(await replay(q, rec.sent).finally(() => q.close()));
  }
  const [wall, floor] = [median(walls), median(floors)];
  const writes = rec.sent.filter((s) => s.method !== 'GET').length;
  const label = `knowledge processed in ${processingMs} ms`;
  return [
    { name: `writing whole-API run, ${label}, wall`, value: Math.round(wall), unit: 'ms' },
    {
      name: `  its floor: the same ${rec.sent.length} requests replayed`,
      value: Math.round(floor),
      unit: 'ms',
    },
    { name: `  run ÷ floor (${label})`, value: Math.round((wall / floor) * 10) / 10, unit: '×', goal: '≤ 2' },
    {
      name: `  writes, connections (${label})`,
      value: writes,
      unit: `writes on ${rec.connections()} connections`,
    },
  ];
}

export async function benchWrites(): Promise<BenchLine[]> {
  return [...(await measure(50)), ...(await measure(1500))];
}
