// Wall time of `npm test` (type-check, lint and the vitest suites) and of the mutation score, as a
// user runs them.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/sources/paths';
import type { BenchLine } from './line';

function wall(
  args: string[],
  command = process.execPath,
): { ms: number; status: number | null; out: string } {
  const started = performance.now();
  const r = spawnSync(command, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PACT_DO_NOT_TRACK: 'true', PACT_BROKER_BASE_URL: '' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { ms: performance.now() - started, status: r.status, out: r.stdout };
}

export async function benchSuite(): Promise<BenchLine[]> {
  const npmTest = wall(['test', '--silent'], 'npm');
  const tests = wall([join(PROJECT_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=dot']);
  const mutation = wall([
    join(PROJECT_ROOT, 'dist/cli/mutation.mjs'),
    '--report-dir',
    join(PROJECT_ROOT, 'reports/bench'),
  ]);
  const score = /mutation score: (\d+)\/(\d+) killed/.exec(mutation.out);
  return [
    {
      name: 'npm test (type-check, lint, vitest suites), wall',
      value: Math.round(npmTest.ms),
      unit: `ms (exit ${npmTest.status})`,
      goal: '≤ 30000',
    },
    {
      name: 'vitest suites alone, wall',
      value: Math.round(tests.ms),
      unit: `ms (exit ${tests.status})`,
    },
    {
      name: 'npm run mutation, wall',
      value: Math.round(mutation.ms),
      unit: `ms (${score ? `${score[1]}/${score[2]} killed` : `exit ${mutation.status}`})`,
      goal: '≤ 60000',
    },
  ];
}
