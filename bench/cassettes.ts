// Offline runs over many cassettes, as `record` leaves them after months of nights: 1,000 small
// cassettes (each the shipped cassette's first GET exchanges) and 100 full copies of it. Wall time
// of `npm run conformance`, reports included (they must grow linearly with findings and results).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/sources/paths';
import type { BenchLine } from './line';

function offline(dir: string): Promise<{ ms: number; reported: boolean }> {
  const reports = mkdtempSync(join(tmpdir(), 'bench-cassettes-reports-'));
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(
      'npm',
      ['run', '-s', 'conformance', '--', '--recordings', dir, '--allow-unjudged', '--report-dir', reports],
      { cwd: PROJECT_ROOT, stdio: 'ignore' },
    );
    child.on('close', () =>
      resolve({ ms: performance.now() - started, reported: existsSync(join(reports, 'conformance.json')) }),
    );
  });
}

export async function benchCassettes(): Promise<BenchLine[]> {
  const shipped = JSON.parse(
    readFileSync(join(PROJECT_ROOT, 'suites/recordings/local-provider.json'), 'utf8'),
  ) as {
    interactions: Array<{ request: { method: string } }>;
  };
  const small = mkdtempSync(join(tmpdir(), 'bench-cassettes-small-'));
  const gets = shipped.interactions.filter((i) => i.request.method === 'GET').slice(0, 6);
  for (let i = 0; i < 1000; i++)
    writeFileSync(
      join(small, `night-${i}.json`),
      JSON.stringify({ ...shipped, label: `night ${i}`, interactions: gets }),
    );
  const full = mkdtempSync(join(tmpdir(), 'bench-cassettes-full-'));
  for (let i = 0; i < 100; i++)
    writeFileSync(join(full, `night-${i}.json`), JSON.stringify({ ...shipped, label: `night ${i}` }));
  const a = await offline(small);
  const b = await offline(full);
  return [
    {
      name: `offline, 1,000 cassettes of ${gets.length} GETs, wall (report ${a.reported ? 'written' : 'MISSING'})`,
      value: Math.round(a.ms),
      unit: 'ms',
    },
    {
      name: `offline, 100 full cassettes (${shipped.interactions.length} exchanges each), wall (report ${b.reported ? 'written' : 'MISSING'})`,
      value: Math.round(b.ms),
      unit: 'ms',
    },
  ];
}
