// Runs the conformance rules against an in-process reference provider, for the suites: the same
// run assembly the command uses (src/run/job.ts).

import { join } from 'node:path';
import { runJob } from '../../src/run/job';
import type { RunResult } from '../../src/run/run';
import { Contract } from '../../src/schemas/contract';
import { PROJECT_ROOT } from '../../src/sources/paths';

export const contract = Contract.load(join(PROJECT_ROOT, 'schemas'), 'both');
export const LOCAL_CREDENTIALS = { username: `AC${'ab'.repeat(16)}`, password: 'suite-token' };

export interface LocalRun {
  /** `name` or `name@OperationId`. */
  fault?: string;
  operations?: string[];
  pagination?: boolean;
  paginationRuns?: number;
  items?: number;
  contract?: Contract;
  timeoutMs?: number;
  concurrency?: number;
  /** Arrange data through the writes and judge them (the local target's default); off here unless asked. */
  writes?: boolean;
  journalDir?: string;
}

export async function runAgainstProvider(o: LocalRun = {}): Promise<RunResult> {
  const [run] = await runJob({
    target: 'local',
    contract: o.contract ?? contract,
    recordingsDir: '',
    items: o.items ?? 12,
    seed: 1,
    timeoutMs: o.timeoutMs ?? 5000,
    ...(o.fault ? { fault: o.fault } : {}),
    ...(o.operations ? { operations: o.operations } : {}),
    pagination: o.pagination ?? false,
    paginationRuns: o.paginationRuns ?? 5,
    paginationSeed: 20261124,
    ...(o.concurrency ? { concurrency: o.concurrency } : {}),
    readOnly: o.writes !== true,
    ...(o.journalDir ? { journalDir: o.journalDir } : {}),
  });
  if (!run) throw new Error('no run');
  return run;
}
