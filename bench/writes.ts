// A whole-API run that writes (`npm run conformance -- --target live --writes …` against a local
// reference provider), beside its floor. Both are a node process of their own, started the same way
// against a fresh provider of the same data, seed and processing delay, in this process:
//  - the run: `node dist/cli/conformance.mjs`, wall from spawn to exit;
//  - the floor: `node bench/replay-child.ts`, exactly the requests the run sent (recorded once through
//    a counting proxy), in its order, one after another on one kept-alive connection, nothing judged,
//    each request that needed an item's processing to have ended held until it has; wall from spawn to exit.
// Measured with knowledge processed at once (50 ms) and slowly (1.5 s), REPS times each, run and floor
// alternating; the median of each. The provider timestamps every request, so each run's time is split
// into start-up (spawn to its first request), the span of its requests (and within it the time no
// request was in flight), and its end (last answer to exit). One profiled run says what the start-up
// is made of: ajv compiling the schemas (moving to build time elsewhere) and node loading modules.
// BENCH_WRITES_REPS (default 5) sets the repetitions; BENCH_WRITES_ROOT another checkout whose build runs.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { processedChildren } from '../src/model/writes';
import { Contract } from '../src/schemas/contract';
import { PROJECT_ROOT } from '../src/sources/paths';
import { startProvider } from '../src/targets/targets';
import type { BenchLine } from './line';

const ACCOUNT = `AC${'be'.repeat(16)}`;
const CREDENTIALS = { username: ACCOUNT, password: 'bench' };
const contract = Contract.load(join(PROJECT_ROOT, 'schemas'), 'both');
const REPS = Number(process.env.BENCH_WRITES_REPS ?? 5);
/** Whose built command runs (another worktree's, to set two builds side by side under the same load). */
const CLI = join(process.env.BENCH_WRITES_ROOT ?? PROJECT_ROOT, 'dist/cli/conformance.mjs');

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  /** When the proxy got it and when its answer ended (ms since the proxy started). */
  at: number;
  end: number;
  after?: number;
}

interface Answered {
  start: number;
  end: number;
}

const provider = (processingMs: number, seen?: Answered[]) =>
  startProvider({
    contract,
    items: 30,
    seed: 3,
    credentials: CREDENTIALS,
    processingMs,
    ...(seen ? { onAnswered: (e) => seen.push(e) } : {}),
  });

/** A node process to its exit: spawn and exit (performance.now()), the CPU time it used (ms) and what it printed. */
function child(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ spawned: number; exited: number; cpu: number; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cpu-'));
  const cpuFile = join(dir, 'cpu');
  return new Promise<{ spawned: number; exited: number; cpu: number; out: string }>((resolve, reject) => {
    const spawned = performance.now();
    const c = spawn(process.execPath, ['--require', join(PROJECT_ROOT, 'bench/cpu-at-exit.cjs'), ...args], {
      env: { ...process.env, ...env, BENCH_CPU_FILE: cpuFile },
      stdio: ['ignore', 'pipe', process.env.BENCH_VERBOSE ? 'inherit' : 'ignore'],
    });
    let out = '';
    c.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    c.on('close', (code) =>
      code === 0
        ? resolve({ spawned, exited: performance.now(), cpu: Number(readFileSync(cpuFile, 'utf8')), out })
        : reject(new Error(`${args.join(' ')} exited ${code}`)),
    );
  }).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** The conformance command against `baseUrl`, with writes. */
function run(baseUrl: string, nodeFlags: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-w-'));
  return child(
    [...nodeFlags, CLI, ...['--target', 'live', '--writes', ACCOUNT, '--seed', '7', '--report-dir', dir]],
    { TWILIO_ASSISTANTS_BASE_URL: baseUrl, TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: 'bench' },
  ).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** A proxy that forwards to `target` and keeps every request in order, and counts the connections it was sent on. */
async function recorder(target: string) {
  const sent: Sent[] = [];
  let connections = 0;
  const agent = new http.Agent({ keepAlive: true });
  const t0 = performance.now();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => ['authorization', 'content-type', 'host'].includes(k)),
      ) as Record<string, string>;
      const body = Buffer.concat(chunks);
      const at = performance.now() - t0;
      const s: Sent = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers,
        body: '',
        status: 0,
        at,
        end: at,
      };
      s.body = body.toString('base64');
      sent.push(s);
      const out = http.request(
        `${target}${req.url}`,
        { method: req.method, headers: { ...headers, 'content-length': body.length }, agent },
        (r) => {
          s.status = r.statusCode ?? 0;
          res.writeHead(s.status, r.headers);
          const parts: Buffer[] = [];
          r.on('data', (c: Buffer) => parts.push(c));
          r.on('end', () => {
            s.end = performance.now() - t0;
            res.end(Buffer.concat(parts));
            answers.set(s, Buffer.concat(parts).toString());
          });
        },
      );
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  const answers = new Map<Sent, string>();
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
  return { url, sent, answers, connections: () => connections, close };
}

/**
 * Marks each request the run sent once an item's processing had ended and that names that item (its
 * id in the path): the floor holds it until that item's processing has ended in the replay too.
 */
function markProcessingWaits(sent: Sent[], answers: Map<Sent, string>, processingMs: number): void {
  const processed = contract.writes.filter((w) => {
    const list = contract.operations.find((o) => o.id === w.effect.list);
    return w.action === 'create' && list && processedChildren(contract.model, list).length > 0;
  });
  const made: Array<{ k: number; id: string; ends: number }> = [];
  for (const [k, s] of sent.entries()) {
    const path = s.url.split('?')[0] ?? '';
    const w = processed.find((x) => x.method === s.method && x.path === path);
    const list = contract.operations.find((o) => o.id === w?.effect.list);
    if (w && list?.idField && s.status === 201) {
      const id = (JSON.parse(answers.get(s) ?? '{}') as Record<string, unknown>)[list.idField];
      if (typeof id === 'string') made.push({ k, id, ends: s.end + processingMs });
      continue;
    }
    const waitsOn = made.find((m) => s.at >= m.ends && path.split('/').includes(m.id));
    if (waitsOn) s.after = waitsOn.k;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Where a run's time went, from the provider's timestamps: start-up, the requests' span, idle within it, the end. */
function split(seen: Answered[], spawned: number, exited: number) {
  const first = Math.min(...seen.map((e) => e.start));
  const last = Math.max(...seen.map((e) => e.end));
  const edges = seen.flatMap((e) => [
    [e.start, 1],
    [e.end, -1],
  ]) as Array<[number, number]>;
  edges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let inFlight = 0;
  let idle = 0;
  let prev = first;
  for (const [t, d] of edges) {
    if (inFlight === 0) idle += t - prev;
    inFlight += d;
    prev = t;
  }
  return { startup: first - spawned, span: last - first, idle, end: exited - last };
}

/** One profiled run: what its CPU did in ajv's compiler and in node's module loader (ms). */
async function profiled(baseUrl: string): Promise<{ ajvCompile: number; moduleLoad: number; cpu: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-prof-'));
  try {
    await run(baseUrl, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile')) as string;
    const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      nodes: Array<{ id: number; callFrame: { url: string; functionName: string } }>;
      samples: number[];
      timeDeltas: number[];
    };
    const frames = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
    const out = { ajvCompile: 0, moduleLoad: 0, cpu: 0 };
    p.samples.forEach((id, k) => {
      const f = frames.get(id);
      const ms = (p.timeDeltas[k] ?? 0) / 1000;
      if (!f || f.functionName === '(idle)') return;
      out.cpu += ms;
      if (/node_modules\/(ajv|ajv-formats|fast-uri)\//.test(f.url) && !f.url.includes('/runtime/'))
        out.ajvCompile += ms;
      else if (
        /^node:internal\/modules|^node:internal\/bootstrap\/realm/.test(f.url) ||
        f.functionName === 'wrapSafe'
      )
        out.moduleLoad += ms;
    });
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The run once through the counting proxy: the requests it sent, in order, each held where it waited on processing. */
async function record(processingMs: number) {
  const first = await provider(processingMs);
  const rec = await recorder(first.url);
  try {
    await run(rec.url);
  } finally {
    await rec.close();
    await first.close();
  }
  markProcessingWaits(rec.sent, rec.answers, processingMs);
  return { sent: rec.sent, connections: rec.connections() };
}

/** One run and one floor, each against a fresh provider: walls and where the run's time went. */
async function once(processingMs: number, file: string) {
  // This process's CPU time while each child runs: the provider answering it (and little else).
  const cpuMs = (since?: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(since);
    return { u, ms: (u.user + u.system) / 1000 };
  };
  const seen: Answered[] = [];
  const p = await provider(processingMs, seen);
  const before = process.cpuUsage();
  const r = await run(p.url).finally(() => p.close());
  const served = cpuMs(before).ms;
  const floorSeen: Answered[] = [];
  const q = await provider(processingMs, floorSeen);
  const beforeFloor = process.cpuUsage();
  const f = await child([join(PROJECT_ROOT, 'bench/replay-child.ts'), file, q.url]).finally(() => q.close());
  const floorServed = cpuMs(beforeFloor).ms;
  const replay = JSON.parse(f.out) as { ms: number; waitedMs: number; mismatches: number };
  return {
    wall: r.exited - r.spawned,
    cpu: r.cpu,
    floorCpu: f.cpu,
    served,
    floorServed,
    parts: split(seen, r.spawned, r.exited),
    floor: f.exited - f.spawned,
    floorParts: split(floorSeen, f.spawned, f.exited),
    replay,
  };
}

const ms = (name: string, value: number, goal?: string): BenchLine => ({
  name,
  value: Math.round(value),
  unit: 'ms',
  ...(goal ? { goal } : {}),
});

async function measure(processingMs: number): Promise<BenchLine[]> {
  const { sent, connections } = await record(processingMs);
  const dir = mkdtempSync(join(tmpdir(), 'bench-replay-'));
  const file = join(dir, 'requests.json');
  writeFileSync(file, JSON.stringify({ processingMs, requests: sent }));
  const load = [loadavg()[0] as number];
  const runs: Array<Awaited<ReturnType<typeof once>>> = [];
  try {
    for (let k = 0; k < REPS; k++) runs.push(await once(processingMs, file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  load.push(loadavg()[0] as number);
  const m = (f: (x: (typeof runs)[number]) => number) => median(runs.map(f));
  const label = `knowledge processed in ${processingMs} ms`;
  const writes = sent.filter((s) => s.method !== 'GET').length;
  // Each run beside the floor measured right after it (the same load), then the median of those ratios.
  const ratio = (x: number) => Math.round(x * 100) / 100;
  return [
    ms(
      `writing whole-API run, ${label}: wall, median of ${REPS}`,
      m((x) => x.wall),
    ),
    ms(
      `  its floor: the same ${sent.length} requests replayed, wall`,
      m((x) => x.floor),
    ),
    {
      name: `  run ÷ floor, wall (${label})`,
      value: ratio(m((x) => x.wall / x.floor)),
      unit: '×',
      goal: '≤ 2',
    },
    {
      name: '  each rep: run ÷ floor, wall',
      value: runs.length,
      unit: runs.map((x) => (x.wall / x.floor).toFixed(2)).join(' '),
    },
    ms(
      '  run: CPU time',
      m((x) => x.cpu),
    ),
    ms(
      '  floor: CPU time',
      m((x) => x.floorCpu),
    ),
    ms(
      '  provider: CPU time answering the run',
      m((x) => x.served),
    ),
    ms(
      '  provider: CPU time answering the floor',
      m((x) => x.floorServed),
    ),
    { name: `  run ÷ floor, CPU time (${label})`, value: ratio(m((x) => x.cpu / x.floorCpu)), unit: '×' },
    ms(
      '  run: start-up (spawn to its first request)',
      m((x) => x.parts.startup),
    ),
    ms(
      "  run: its requests' span",
      m((x) => x.parts.span),
    ),
    ms(
      '  run: within it, no request in flight',
      m((x) => x.parts.idle),
    ),
    ms(
      '  run: last answer to exit',
      m((x) => x.parts.end),
    ),
    ms(
      '  floor: start-up (node itself)',
      m((x) => x.floorParts.startup),
    ),
    ms(
      "  floor: its requests' span",
      m((x) => x.floorParts.span),
    ),
    ms(
      '  floor: waited for processing',
      m((x) => x.replay.waitedMs),
    ),
    {
      name: '  floor: answers whose status differs from the run',
      value: Math.max(...runs.map((x) => x.replay.mismatches)),
      unit: 'at most',
    },
    { name: '  writes, connections', value: writes, unit: `writes on ${connections} connections` },
    {
      name: '  load average (1 min), before and after',
      value: load[0] ?? 0,
      unit: `→ ${load[1]?.toFixed(2)} on 2 cores`,
    },
  ];
}

export async function benchWrites(): Promise<BenchLine[]> {
  const lines = [...(await measure(50)), ...(await measure(1500))];
  const p = await provider(50);
  const prof = await profiled(p.url).finally(() => p.close());
  return [
    ...lines,
    ms('one profiled run (50 ms): CPU', prof.cpu),
    ms('  of which ajv compiling the schemas', prof.ajvCompile),
    ms('  of which node loading and compiling modules', prof.moduleLoad),
  ];
}
