// Wall time of whole conformance runs as a user starts them (`npm run conformance …`): offline on the
// shipped cassettes, and live against a local reference provider.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, join as joinPath } from 'node:path';
import { Contract } from '../src/schemas/contract';
import { PROJECT_ROOT } from '../src/sources/paths';
import { startProvider } from '../src/targets/targets';
import type { BenchLine } from './line';

function timeCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // spawnSync would block the in-process provider; run the child asynchronously.
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist/cli/conformance.mjs'), ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    child.on('close', (code) =>
      code === 0
        ? resolve(performance.now() - started)
        : reject(new Error(`conformance ${args.join(' ')} exited ${code}`)),
    );
  });
}

export async function benchConformance(): Promise<BenchLine[]> {
  const reports = mkdtempSync(join(tmpdir(), 'bench-'));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const time = (cmd: string, args: string[]) => {
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      spawnSync(cmd, args, { cwd: PROJECT_ROOT, stdio: 'ignore' });
      runs.push(performance.now() - started);
    }
    return median(runs);
  };
  const nodeFloor = time(process.execPath, ['-e', '']);
  const listChecks = time(process.execPath, [
    join(PROJECT_ROOT, 'dist/cli/conformance.mjs'),
    '--list-checks',
  ]);
  // A run's start-up: the contract loaded (its validators from the build's dist/validators), the
  // plan printed, nothing sent.
  const dryRun = time(process.execPath, [join(PROJECT_ROOT, 'dist/cli/conformance.mjs'), '--dry-run']);
  const npmListChecks = time('npm', ['run', '-s', 'conformance', '--', '--list-checks']);
  const offline = await timeCli(['--report-dir', reports]);
  const account = `AC${'be'.repeat(16)}`;
  const contract = Contract.load(joinPath(PROJECT_ROOT, 'schemas'), 'both');
  const provider = await startProvider({
    contract,
    items: 30,
    credentials: { username: account, password: 'bench' },
  });
  let live: number;
  let serial: number;
  let writes: number;
  try {
    serial = await timeCli(['--target', 'live', '--concurrency', '1', '--report-dir', reports], {
      TWILIO_ASSISTANTS_BASE_URL: provider.url,
      TWILIO_ACCOUNT_SID: account,
      TWILIO_AUTH_TOKEN: 'bench',
    });
    live = await timeCli(['--target', 'live', '--report-dir', reports], {
      TWILIO_ASSISTANTS_BASE_URL: provider.url,
      TWILIO_ACCOUNT_SID: account,
      TWILIO_AUTH_TOKEN: 'bench',
    });
    // With writes: arrange, every write judged, the lifecycle model, undo (the provider is left as found).
    writes = await timeCli(['--target', 'live', '--writes', account, '--report-dir', reports], {
      TWILIO_ASSISTANTS_BASE_URL: provider.url,
      TWILIO_ACCOUNT_SID: account,
      TWILIO_AUTH_TOKEN: 'bench',
    });
  } finally {
    await provider.close();
  }
  const local = await timeCli(['--target', 'local', '--report-dir', reports]);
  return [
    { name: 'node -e "" (the floor)', value: Math.round(nodeFloor), unit: 'ms' },
    {
      name: 'conformance --list-checks (node dist/…), wall',
      value: Math.round(listChecks),
      unit: 'ms',
      goal: '≤ 250 of its own',
    },
    {
      name: "a run's start-up: conformance --dry-run (node dist/…), wall",
      value: Math.round(dryRun),
      unit: 'ms',
      goal: '< 300 of its own',
    },
    {
      name: 'npm run -s conformance -- --list-checks, wall',
      value: Math.round(npmListChecks),
      unit: 'ms',
      goal: '≤ 600',
    },
    { name: 'conformance offline (recorded), wall', value: Math.round(offline), unit: 'ms' },
    {
      name: 'whole-API live run vs local provider, default, wall',
      value: Math.round(live),
      unit: 'ms',
      goal: '≤ 2000',
    },
    { name: 'whole-API live run, --concurrency 1, wall', value: Math.round(serial), unit: 'ms' },
    {
      name: 'whole-API live run with --writes vs local provider, wall',
      value: Math.round(writes),
      unit: 'ms',
      goal: '≤ 2500',
    },
    {
      name: 'whole-API local run with writes (properties: 8 runs per list), wall',
      value: Math.round(local),
      unit: 'ms',
    },
  ];
}
