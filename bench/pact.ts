// Wall time of the Pact consumer suites plus provider verification against the local provider.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/sources/paths';
import type { BenchLine } from './line';

function wall(args: string[]): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PACT_DO_NOT_TRACK: 'true', PACT_BROKER_BASE_URL: '' },
    stdio: 'ignore',
  });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return performance.now() - started;
}

export async function benchPact(): Promise<BenchLine[]> {
  const vitest = join(PROJECT_ROOT, 'node_modules/vitest/vitest.mjs');
  const consumer = wall([vitest, 'run', 'suites/consumer/assistants.pact.test.ts', '--reporter=dot']);
  const verify = wall([join(PROJECT_ROOT, 'dist/cli/pact-verify.mjs')]);
  return [
    { name: 'pact consumer suite (vitest), wall', value: Math.round(consumer), unit: 'ms' },
    { name: 'pact verification vs local provider, wall', value: Math.round(verify), unit: 'ms' },
    { name: 'pact consumer + verification, wall', value: Math.round(consumer + verify), unit: 'ms' },
  ];
}
