// npm run mutation -- [--runs N] [--fault NAME,…] [--report-dir DIR]

import { join, resolve } from 'node:path';
import '../polyfills';
import { Contract } from '../contract/contract';
import { UsageError } from '../errors';
import { stableJson, writeFilesAtomic } from '../fs-atomic';
import { mutationMarkdown, runMutation } from '../mutation/run';
import { FAULTS } from '../provider/faults';
import { PROJECT_ROOT } from '../sources';
import { intFlag, parseFlags, runCommand } from './run';

await runCommand('mutation', async () => {
  const flags = parseFlags({
    runs: { type: 'string' },
    fault: { type: 'string' },
    'report-dir': { type: 'string' },
  });
  const names = flags.fault?.split(',').map((s) => s.trim());
  const unknown = names?.filter((n) => !FAULTS.some((f) => f.name === n)) ?? [];
  if (unknown.length) throw new UsageError(`--fault: unknown fault ${unknown.join(', ')}`);
  const numRuns = intFlag(flags.runs, '--runs');
  const faults = names ? FAULTS.filter((f) => names.includes(f.name)) : FAULTS;
  const contract = Contract.load(join(PROJECT_ROOT, 'schemas'), 'both');
  console.log(`${'fault'.padEnd(26)} killed  ms     caught by`);
  const result = await runMutation(contract, {
    faults,
    ...(numRuns !== undefined ? { numRuns } : {}),
    onRow: (row) =>
      console.log(
        `${row.fault.padEnd(26)} ${(row.fault === 'faithful' ? (row.killed ? 'ALARM' : '-') : row.killed ? 'yes' : 'NO').padEnd(7)} ${String(row.ms).padEnd(6)} ${row.caughtBy.join(', ')}`,
      ),
  });
  const dir = resolve(flags['report-dir'] ?? join(PROJECT_ROOT, 'reports'));
  writeFilesAtomic([
    { path: join(dir, 'mutation.json'), data: stableJson(result) },
    { path: join(dir, 'mutation.md'), data: mutationMarkdown(result) },
  ]);
  const score = ((result.killed / result.total) * 100).toFixed(1);
  console.log(
    `\nmutation score: ${result.killed}/${result.total} killed (${score} %), ${result.falseAlarms.length} false alarms`,
  );
  return result.killed === result.total && result.falseAlarms.length === 0 ? 0 : 1;
});
