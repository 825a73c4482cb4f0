// npm run bench: prints figures, one line each. Targets are read off these lines, never asserted
// in timed tests.

import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/sources/paths';
import { benchConformance } from './conformance';
import { benchDrift } from './drift';
import { benchPact } from './pact';
import { benchValidation } from './validation';
import { benchWalker } from './walker';

export interface BenchLine {
  name: string;
  value: number;
  unit: string;
}

const sections: Array<[string, () => Promise<BenchLine[]>]> = [
  ['validation', () => benchValidation(join(PROJECT_ROOT, 'schemas'))],
  ['conformance', benchConformance],
  ['pact', benchPact],
  ['drift', benchDrift],
  ['pagination walker', benchWalker],
];

for (const [title, run] of sections) {
  console.log(`# ${title}`);
  for (const line of await run())
    console.log(`${line.name.padEnd(48)} ${String(line.value).padStart(12)} ${line.unit}`);
}
