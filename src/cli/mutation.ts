// npm run mutation -- [--runs N] [--fault NAME,…] [--sample N] [--concurrency N] [--no-pact] [--report-dir DIR]

import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors';
import { assertWritableDir, stableJson, writeFilesAtomic } from '../fs-atomic';
import { pactParticipants } from '../model/api';
import { type MutationRow, mutationMarkdown, runMutation } from '../mutation/run';
import { pactProviderOf } from '../pact/verify';
import type { Contract } from '../schemas/contract';
import { PROJECT_ROOT } from '../sources/paths';
import { FAULTS } from '../targets/targets';
import { inChild, markedIo, runInChild } from './child';
import { command, type Io, intFlag, parseFlags, runIfMain } from './run';
import { runContract, SOURCE_FLAGS, SOURCE_HELP } from './sources';

const HELP = `
Usage: npm run mutation -- [--runs N] [--fault NAME,…] [--sample N] [--concurrency N] [--no-pact] [--report-dir DIR]
The mutation score: the whole suite against the faithful reference provider and against each fault
of the catalogue switched on for one operation of each shape per resource. Exit 0 every mutant
killed and no false alarm, 1 otherwise, 2 bad input.

  --runs N          property runs per list (default 5)
  --fault NAME,…    only these faults (npm run provider -- --list-faults)
  --sample N        only N mutants, spread over the faults (the same N every time): a quicker score
  --no-pact         skip pact verification of the mutants conformance did not kill
  --pact-output     print Pact's own output too (else it goes to reports/pact/mutation.log)
${SOURCE_HELP}
  (the pacts verified are those in contracts/ with the model's API)
Each row says k/N as it ends; a survivor says why; the mutants' timeout is ten times the faithful
run's slowest exchange (at least 800 ms), and a faithful run that raises anything fails the score.
Example: npm run mutation -- --fault wrong-meta-key,create-answers-200
`;

export const mutation = command(
  'mutation',
  async (args, io) => {
    const flags = parseFlags(
      {
        runs: { type: 'string' },
        fault: { type: 'string' },
        sample: { type: 'string' },
        concurrency: { type: 'string' },
        'no-pact': { type: 'boolean' },
        'report-dir': { type: 'string' },
        'pact-output': { type: 'boolean' },
        ...SOURCE_FLAGS,
      },
      args,
      io,
    );
    const names = flags.fault?.split(',').map((s) => s.trim());
    const unknown = names?.filter((n) => !FAULTS.some((f) => f.name === n)) ?? [];
    if (unknown.length) throw new UsageError(`--fault: unknown fault ${unknown.join(', ')}`);
    const numRuns = intFlag(flags.runs, '--runs', 1, 1000);
    const concurrency = intFlag(flags.concurrency, '--concurrency', 1, 64);
    const sample = intFlag(flags.sample, '--sample', 1, 100_000);
    const dir = resolve(flags['report-dir'] ?? join(PROJECT_ROOT, 'reports'));
    // Pact's native core prints every verification it makes: a child keeps it in a log, the rows here.
    if (!inChild(io) && !flags['no-pact'])
      return runInChild(args, io, {
        name: 'mutation',
        bundle: 'mutation',
        logFile: join(dir, 'pact', 'mutation.log'),
        showNative: flags['pact-output'] === true,
      });
    if (inChild(io)) io = markedIo(io);
    assertWritableDir(dir, '--report-dir');
    const contract = await runContract(flags, io, 'both');
    const pactFiles = flags['no-pact'] ? [] : pactsOf(contract, io);
    io.out(
      `${'k/N'.padEnd(9)} ${'fault'.padEnd(30)} ${'operation'.padEnd(44)} killed  ms     caught by, or why not`,
    );
    const result = await runMutation(contract, {
      ...(names ? { faults: names } : {}),
      ...(numRuns !== undefined ? { numRuns } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(sample !== undefined ? { sample } : {}),
      pactFiles,
      onRow: (row, k, n) => io.out(rowLine(row, k, n)),
    });
    writeFilesAtomic([
      { path: join(dir, 'mutation.json'), data: stableJson(result) },
      { path: join(dir, 'mutation.md'), data: mutationMarkdown(result) },
    ]);
    const score = ((result.killed / Math.max(1, result.total)) * 100).toFixed(1);
    if (result.falseAlarms.length)
      io.err(
        `mutation: the faithful provider raised ${result.falseAlarms.join(', ')}: the score means nothing until it raises nothing (${result.faithful.why ?? ''})`,
      );
    io.out(
      `\nmutation score: ${result.killed}/${result.total} killed (${score} %)${result.sampledFrom ? ` (a sample of the ${result.sampledFrom} mutants)` : ''} over ${result.resources.length} resources, ${result.falseAlarms.length} false alarms; mutant timeout ${result.timeoutMs} ms (scaled from the faithful run)`,
    );
    return result.killed === result.total && result.falseAlarms.length === 0 ? 0 : 1;
  },
  HELP,
);

/** The committed pacts with the model's API as provider (none: the mutants are judged by conformance alone). */
function pactsOf(contract: Contract, io: Io): string[] {
  const contracts = join(PROJECT_ROOT, 'contracts');
  const { provider } = pactParticipants(contract.model.api);
  const files = readdirSync(contracts)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(contracts, f))
    .filter((f) => pactProviderOf(f) === provider);
  if (files.length === 0)
    io.err(`note: no pact in ${contracts} is with ${provider}: the mutants are judged by conformance alone`);
  return files;
}

/** One mutant's row as it ends: k/N, fault, operation, killed, time, and what caught it or why not. */
function rowLine(row: MutationRow, k: number, n: number): string {
  const killed = row.fault === 'faithful' ? (row.killed ? 'ALARM' : '-') : row.killed ? 'yes' : 'NO';
  const why = row.killed && row.fault !== 'faithful' ? row.caughtBy.join(', ') : (row.why ?? '');
  return `${`${k}/${n}`.padEnd(9)} ${row.fault.padEnd(30)} ${(row.operation ?? '').padEnd(44)} ${killed.padEnd(7)} ${String(row.ms).padEnd(6)} ${why}`;
}

await runIfMain(mutation, import.meta.url);
