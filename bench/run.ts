// npm run bench: prints figures, each beside its goal, as a table and as one JSON line. It
// measures; it never judges (exit 0 whatever the figures). Nothing is asserted on time in tests.

import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/sources/paths';
import { benchCassettes } from './cassettes';
import { benchConformance } from './conformance';
import { benchDrift } from './drift';
import { benchHugePage } from './huge-page';
import type { BenchLine } from './line';
import { benchPact } from './pact';
import { benchParser } from './parser';
import { benchSuite } from './suite';
import { benchValidation } from './validation';
import { benchWalker } from './walker';
import { benchWrites } from './writes';

const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`Usage: npm run bench
Measures every figure beside its goal (validation, command start-up, whole-API runs with and without
writes, pact, drift, the docs parser, the pagination walker, npm test and the mutation score) and
prints a table and one JSON line. It measures, it never fails on a figure; it takes several minutes.
  --only=TEXT   only the sections whose title holds TEXT (e.g. --only=writes)`);
  process.exit(0);
}

const sections: Array<[string, () => Promise<BenchLine[]>]> = [
  ['validation', () => benchValidation(join(PROJECT_ROOT, 'schemas'))],
  ['commands', benchConformance],
  ['a run that writes, beside its floor', benchWrites],
  ['a huge legal page', benchHugePage],
  ['many cassettes', benchCassettes],
  ['pact', benchPact],
  ['drift', benchDrift],
  ['docs parser', benchParser],
  ['pagination walker', benchWalker],
  ['test suite and mutation score', benchSuite],
];

const all: BenchLine[] = [];
for (const [title, run] of sections.filter(([t]) => !only || t.includes(only))) {
  console.log(`# ${title}`);
  for (const line of await run()) {
    all.push(line);
    console.log(
      `${line.name.padEnd(52)} ${String(line.value).padStart(12)} ${line.unit.padEnd(28)} ${line.goal ? `goal ${line.goal}` : ''}`,
    );
  }
}
console.log(
  JSON.stringify({
    machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
    figures: all,
  }),
);
