// Wall time of whole conformance runs as a user starts them (`npm run conformance …`): offline on the
// shipped cassettes, and live against a local reference provider.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, join as joinPath } from 'node:path';
import { Contract } from '../src/schemas/contract';
import { PROJECT_ROOT } from '../src/sources/paths';
import { startProvider } from '../src/targets/targets';
import type { BenchLine } from './run';

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
  const startup = performance.now();
  spawnSync(process.execPath, ['--import', 'tsx', '-e', ''], { cwd: PROJECT_ROOT });
  const tsxStartup = performance.now() - startup;
  const offline = await timeCli(['--report-dir', reports]);
  const account = `AC${'be'.repeat(16)}`;
  const contract = Contract.load(joinPath(PROJECT_ROOT, 'schemas'), 'both');
  const provider = await startProvider({
    contract,
    items: 30,
    credentials: { username: account, password: 'bench' },
  });
  let live: number;
  try {
    live = await timeCli(['--target', 'live', '--report-dir', reports], {
      TWILIO_ASSISTANTS_BASE_URL: provider.url,
      TWILIO_ACCOUNT_SID: account,
      TWILIO_AUTH_TOKEN: 'bench',
    });
  } finally {
    await provider.close();
  }
  return [
    { name: 'conformance offline (recorded), wall', value: Math.round(offline), unit: 'ms' },
    { name: 'whole-API live run vs local provider, wall', value: Math.round(live), unit: 'ms' },
    { name: '  of which node+tsx start-up', value: Math.round(tsxStartup), unit: 'ms' },
  ];
}
