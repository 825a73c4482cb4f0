// The pagination walker over the local provider: pages/s and peak RSS at 10k and 100k sessions,
// PageSize 1000 and 50. Peak RSS should not grow with N (target ≤ 150 MB).

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Contract } from '../src/schemas/contract';
import { PROJECT_ROOT } from '../src/sources/paths';
import { startProvider } from '../src/targets/targets';
import type { BenchLine } from './line';

const credentials = { username: `AC${'5e'.repeat(16)}`, password: 'bench' };

function walk(
  url: string,
  pageSize: number,
  nodeFlags: string[] = [],
): Promise<{ pages: number; items: number; ms: number; peakRssMb: number }> {
  return new Promise((resolve, reject) => {
    let out = '';
    const child = spawn(
      process.execPath,
      [
        ...nodeFlags,
        '--import',
        'tsx',
        join(PROJECT_ROOT, 'bench/walk-child.ts'),
        url,
        String(pageSize),
        credentials.username,
        credentials.password,
      ],
      { cwd: PROJECT_ROOT },
    );
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`walk exited ${code}`)),
    );
  });
}

function baselineRss(): Promise<number> {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '-e', 'console.log(process.resourceUsage().maxRSS / 1024)'],
      { cwd: PROJECT_ROOT },
    );
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('close', () => resolve(Number(out)));
  });
}

export async function benchWalker(): Promise<BenchLine[]> {
  const lines: BenchLine[] = [
    {
      name: 'empty node+tsx process: peak RSS',
      value: Math.round(await baselineRss()),
      unit: 'MB (for scale)',
    },
  ];
  for (const n of [10_000, 100_000]) {
    const contract = Contract.load(join(PROJECT_ROOT, 'schemas'), 'both');
    const provider = await startProvider({ contract, items: n, credentials });
    try {
      for (const pageSize of [1000, 50]) {
        const r = await walk(provider.url, pageSize);
        if (r.items !== n) throw new Error(`walked ${r.items} of ${n} items`);
        const label = `walk ${n / 1000}k items, PageSize ${pageSize}`;
        lines.push({
          name: `${label}: pages/s`,
          value: Math.round(r.pages / (r.ms / 1000)),
          unit: `pages/s (${r.pages} pages, ${Math.round(r.ms)} ms)`,
        });
        lines.push({ name: `${label}: peak RSS`, value: Math.round(r.peakRssMb), unit: 'MB', goal: '≤ 150' });
        if (pageSize === 50) {
          // Same walk with the heap capped: if it completes with the same RSS at 10k and 100k,
          // the growth under default flags is garbage V8 collects lazily, not memory the walker keeps.
          const capped = await walk(provider.url, pageSize, [
            '--max-old-space-size=48',
            '--max-semi-space-size=2',
          ]);
          lines.push({
            name: `${label}: peak RSS, heap capped at 48 MB`,
            value: Math.round(capped.peakRssMb),
            unit: 'MB',
          });
        }
      }
    } finally {
      await provider.close();
    }
  }
  return lines;
}
