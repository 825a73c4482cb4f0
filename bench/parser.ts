// The docs parser on crafted 50,000-line pages (it must stay linear in page size): row-like
// description lines, and a 50,000-value "Possible values" list.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocsPage } from '../src/sources/docs-page';
import { PROJECT_ROOT } from '../src/sources/paths';
import type { BenchLine } from './line';

export async function benchParser(): Promise<BenchLine[]> {
  const page = readFileSync(join(PROJECT_ROOT, 'suites/fixtures/docs/widgets-resource.docs.txt'), 'utf8');
  const at = page.indexOf('Optional');
  const rowLike = Array.from({ length: 50_000 }, (_, k) => `field${k}string`).join('\n');
  const values = `Possible values:\n${Array.from({ length: 50_000 }, (_, k) => `value${k}`).join('\n')}`;
  const crafted: Array<[string, string]> = [
    [
      '50k row-like description lines',
      `${page.slice(0, at)}Optional\n${rowLike}\n${page.slice(at + 'Optional'.length)}`,
    ],
    [
      '50k "Possible values" lines',
      `${page.slice(0, at)}Optional\n\nA field.\n\n${values}\n${page.slice(at + 'Optional'.length)}`,
    ],
  ];
  return crafted.map(([what, text]) => {
    const started = performance.now();
    let verdict = 'derived';
    try {
      parseDocsPage(text, 'crafted.docs.txt');
    } catch (error) {
      verdict = `refused: ${(error as Error).message.slice(0, 40)}`;
    }
    return {
      name: `docs parser, ${what}`,
      value: Math.round(performance.now() - started),
      unit: `ms (${verdict})`,
      goal: '≤ 15000',
    };
  });
}
