// Mutation score: the whole suite (conformance rules, pagination properties, pact verification)
// against the faithful reference provider and against each named fault switched on for one
// operation of each resource it applies to. A mutant is killed when anything reports an error; the
// faithful provider must give none (no false alarm). Mutants run in parallel, each on its own
// provider, with short timeouts so transport faults do not stall the score.

import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapLimit } from '../concurrency';
import type { Operation } from '../model/operation';
import { stateWritesTo, verifyPacts } from '../pact/verify';
import { runJob } from '../run/job';
import type { Contract } from '../schemas/contract';
import { type ActiveFault, FAULTS, LOCAL_PROVIDER_CREDENTIALS, startProvider } from '../targets/targets';

export interface MutationRow {
  fault: string;
  /** The operation the fault was switched on for (none for the faithful provider). */
  operation?: string;
  description: string;
  /** Rules, properties and "pact" that reported an error. */
  caughtBy: string[];
  killed: boolean;
  ms: number;
}

export interface MutationResult {
  faithful: MutationRow;
  rows: MutationRow[];
  killed: number;
  total: number;
  falseAlarms: string[];
  resources: string[];
}

export interface MutationOptions {
  faults?: readonly string[];
  numRuns?: number;
  /** Pact files to verify against each mutant the conformance run did not already kill, and the faithful one. */
  pactFiles?: string[];
  concurrency?: number;
  onRow?: (row: MutationRow) => void;
}

/**
 * The fault's reach across the API: one operation of each shape it applies to per resource (a
 * top-level list, a nested list, a fetch), so every resource and every nesting is mutated.
 */
export function mutants(contract: Contract, names?: readonly string[]): ActiveFault[] {
  const out: ActiveFault[] = [];
  for (const fault of FAULTS.filter((f) => !names || names.includes(f.name))) {
    const seen = new Set<string>();
    // A write fault: one write of each action per resource it applies to.
    for (const w of contract.writes) {
      const shape = `${w.resource} ${w.action}`;
      if (seen.has(shape) || !fault.appliesToWrite?.(w)) continue;
      seen.add(shape);
      out.push({ fault, operation: w.id });
    }
    for (const op of contract.operations) {
      const shape = `${op.resource} ${op.kind} ${op.pathParams.length > (op.kind === 'instance' ? 1 : 0) ? 'nested' : 'top'}`;
      if (seen.has(shape) || !fault.appliesTo(op, instanceOf(contract, op))) continue;
      seen.add(shape);
      out.push({ fault, operation: op.id });
    }
  }
  return out;
}

const instanceOf = (contract: Contract, op: Operation) => {
  const merged = contract.merged(op);
  return (op.kind === 'list' ? merged.properties?.[op.itemsKey ?? '']?.items : merged) ?? {};
};

async function runOne(
  contract: Contract,
  mutant: ActiveFault | undefined,
  o: MutationOptions,
): Promise<MutationRow> {
  const started = performance.now();
  const op = mutant?.operation
    ? [...contract.operations, ...contract.writes].find((x) => x.id === mutant.operation)
    : undefined;
  // Read faults need no writes; write faults and the faithful provider (no false alarm anywhere) get them.
  const writes = !mutant || mutant.fault.appliesToWrite !== undefined;
  const runs = await runJob({
    target: 'local',
    contract,
    recordingsDir: '',
    ...(mutant ? { fault: `${mutant.fault.name}@${mutant.operation}` } : {}),
    ...(op ? { operations: [op.id] } : {}),
    items: 12,
    seed: 1,
    timeoutMs: 800,
    maxRetries: 1,
    maxRetryWaitMs: 200,
    maxConsecutiveFailures: 3,
    deadline: Date.now() + 60_000,
    paginationRuns: o.numRuns ?? 5,
    paginationSeed: 20261124,
    // A verdict is all a mutant needs: the first failure ends a property, no shrinking.
    shrink: false,
    readOnly: !writes,
    journalDir: join(tmpdir(), 'conformance-mutation-journal'),
    ...(writes && mutant ? { pagination: false } : {}),
  });
  const caught = new Set(
    runs
      .flatMap((r) => r.findings)
      .filter((f) => f.severity === 'error')
      .map((f) => f.rule),
  );
  if (o.pactFiles?.length && caught.size === 0) {
    const provider = await startProvider({
      contract,
      credentials: LOCAL_PROVIDER_CREDENTIALS,
      ...(mutant ? { fault: mutant } : {}),
    });
    // The write interactions' states are made through the provider's own writes.
    const writes = stateWritesTo(
      provider.url,
      LOCAL_PROVIDER_CREDENTIALS,
      'conformance-mutation-pact',
      join(tmpdir(), 'conformance-mutation-journal'),
    );
    try {
      await verifyPacts({
        pactFiles: o.pactFiles,
        contract,
        baseUrl: provider.url,
        credentials: LOCAL_PROVIDER_CREDENTIALS,
        local: provider,
        logLevel: 'error',
        writes,
      });
    } catch {
      caught.add('pact');
    } finally {
      writes.journal.close();
      await provider.close();
    }
  }
  return {
    fault: mutant?.fault.name ?? 'faithful',
    ...(op ? { operation: `${op.method} ${op.path}` } : {}),
    description: mutant?.fault.description ?? 'the reference provider as documented',
    caughtBy: [...caught].sort(),
    killed: caught.size > 0,
    ms: Math.round(performance.now() - started),
  };
}

export async function runMutation(contract: Contract, o: MutationOptions = {}): Promise<MutationResult> {
  // The faithful provider first in the queue, the mutants after it, all in one pool.
  const queue = mutants(contract, o.faults);
  const [faithful, ...rows] = await mapLimit(
    [undefined, ...queue],
    Math.max(1, o.concurrency ?? availableParallelism() * 2),
    async (mutant) => {
      const row = await runOne(contract, mutant, o);
      o.onRow?.(row);
      return row;
    },
  );
  if (!faithful) throw new Error('no faithful run');
  return {
    faithful,
    rows,
    killed: rows.filter((r) => r.killed).length,
    total: rows.length,
    falseAlarms: faithful.caughtBy,
    resources: [
      ...new Set(
        queue.map(
          (m) =>
            [...contract.operations, ...contract.writes].find((op) => op.id === m.operation)?.resource ?? '',
        ),
      ),
    ],
  };
}

export function mutationMarkdown(r: MutationResult): string {
  const score = r.total ? ((r.killed / r.total) * 100).toFixed(1) : '0';
  return [
    '# Mutation score',
    '',
    `**${r.killed}/${r.total} mutants killed (${score} %)** over ${r.resources.length} resources (${r.resources.join(', ')}), ${r.falseAlarms.length} false alarms on the faithful provider${r.falseAlarms.length ? ` (${r.falseAlarms.join(', ')})` : ''}.`,
    '',
    '| fault | operation | killed | caught by | what it breaks |',
    '|---|---|---|---|---|',
    ...r.rows.map(
      (row) =>
        `| \`${row.fault}\` | \`${row.operation ?? ''}\` | ${row.killed ? 'yes' : '**NO**'} | ${row.caughtBy.map((c) => `\`${c}\``).join(', ') || '—'} | ${row.description} |`,
    ),
    '',
  ].join('\n');
}
