// Time to diff the real OpenAPI spec against itself and against the docs page (median of 20).

import { join } from 'node:path';
import { loadSide } from '../src/drift/sides';
import { diffSides } from '../src/rules/drift-table';
import { missingSourceReason, PROJECT_ROOT, sourcePaths } from '../src/sources/paths';
import type { BenchLine } from './run';

export async function benchDrift(): Promise<BenchLine[]> {
  const paths = sourcePaths();
  const missing = missingSourceReason(paths);
  if (missing) {
    console.log(`  skipped: ${missing}`);
    return [];
  }
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
  return [
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
