// Time to diff the real OpenAPI spec against itself and against the docs page (median of 20).

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { diffSides } from '../src/drift/diff';
import { loadSide } from '../src/drift/sides';
import { missingSourceReason, PROJECT_ROOT, sourcePaths } from '../src/sources/paths';
import type { BenchLine } from './line';

export async function benchDrift(): Promise<BenchLine[]> {
  const schemas = join(PROJECT_ROOT, 'schemas');
  const time = (from: string, to: string) => {
    const runs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      diffSides(loadSide(from, schemas), loadSide(to, schemas));
      runs.push(performance.now() - started);
    }
    return runs.sort((a, b) => a - b)[10] as number;
  };
  // A real pair from twilio-oai history, as a user runs it: the command's whole wall time.
  const pair = join(PROJECT_ROOT, 'suites/fixtures/drift/twilio-oai');
  const wall: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    spawnSync(
      process.execPath,
      [
        join(PROJECT_ROOT, 'dist/cli/drift.mjs'),
        '--from',
        join(pair, 'twilio_verify_v2.4ae76f3.2025-07-03.json'),
        '--to',
        join(pair, 'twilio_verify_v2.a3f1069.2025-08-18.json'),
      ],
      { stdio: 'ignore' },
    );
    wall.push(performance.now() - started);
  }
  const OPTIC_MEDIAN_MS = 10_370;
  const median = wall.sort((a, b) => a - b)[2] as number;
  const pairLine: BenchLine = {
    name: `npm run drift, real pair (Verify v2), wall; ${(OPTIC_MEDIAN_MS / median).toFixed(1)}x Optic's 10.37 s`,
    value: Math.round(median),
    unit: 'ms',
    goal: '≤ 2074 (5x faster than Optic 1.0.9)',
  };
  const paths = sourcePaths();
  const missing = missingSourceReason(paths);
  if (missing) {
    console.log(`  skipped: ${missing}`);
    return [pairLine];
  }
  return [
    pairLine,
    {
      name: 'drift: spec vs itself (load + diff)',
      value: Number(time(paths.spec, paths.spec).toFixed(1)),
      unit: 'ms',
    },
    {
      name: 'drift: docs vs spec (load + diff)',
      value: Number(time(paths.docs[0] as string, paths.spec).toFixed(1)),
      unit: 'ms',
    },
  ];
}
