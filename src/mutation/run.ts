// Mutation score: the whole suite (conformance rules, pagination properties, pact verification)
// against the faithful reference provider and against each named fault switched on for one
// operation of each resource it applies to. A mutant is killed when anything reports an error; the
// faithful provider must give none (no false alarm). Mutants run in parallel, each on its own
// provider, with short timeouts so transport faults do not stall the score.

import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapLimit } from '../concurrency';
import type { Operation } from '../model/operation';
import { verifyOnLocalProvider } from '../pact/verify';
import { runJob } from '../run/job';
import { reach } from '../run/reach';
import type { Contract } from '../schemas/contract';
import { hashInt } from '../schemas/generate';
import { type ActiveFault, FAULTS, LOCAL_PROVIDER_CREDENTIALS } from '../targets/targets';

export interface MutationRow {
  fault: string;
  /** The operation the fault was switched on for (none for the faithful provider). */
  operation?: string;
  description: string;
  /** Rules, properties and "pact" that reported an error. */
  caughtBy: string[];
  killed: boolean;
  ms: number;
  /** A survivor (or a faithful run that raised something): why, in one line. */
  why?: string;
}

export interface MutationResult {
  faithful: MutationRow;
  rows: MutationRow[];
  killed: number;
  total: number;
  /** Anything the faithful provider raised: an error of any rule, or a network or provider-error finding of any severity. */
  falseAlarms: string[];
  resources: string[];
  /** The mutants' timeout, scaled from the faithful run's own slowest exchange. */
  timeoutMs: number;
  /** How many mutants the catalogue gave when a sample of them ran. */
  sampledFrom?: number;
}

export interface MutationOptions {
  faults?: readonly string[];
  numRuns?: number;
  /** Pact files to verify against each mutant the conformance run did not already kill, and the faithful one. */
  pactFiles?: string[];
  concurrency?: number;
  /** Only this many mutants, spread over the faults (sampleMutants): a quicker score, said as a sample. */
  sample?: number;
  /** Each row as it ends, with its place: k of n (the faithful run is 0). */
  onRow?: (row: MutationRow, k: number, n: number) => void;
}

/**
 * The fault's reach across the API: one operation of each shape it applies to per resource (a
 * top-level list, a nested list, a fetch), so every resource and every nesting is mutated.
 */
export function mutants(contract: Contract, names?: readonly string[]): ActiveFault[] {
  const out: ActiveFault[] = [];
  // A write no run sends (src/run/reach.ts) cannot show a fault: it is not mutated.
  const { notSent } = reach(contract, { realAccount: false, account: LOCAL_PROVIDER_CREDENTIALS.username });
  for (const fault of FAULTS.filter((f) => !names || names.includes(f.name))) {
    const seen = new Set<string>();
    // A write fault: one write of each action per resource it applies to.
    for (const w of contract.writes.filter((x) => !notSent.has(x.id))) {
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

/**
 * `n` of the mutants, spread over the faults: each fault's mutants in an order fixed by a hash, then
 * the first of every fault, the second of every fault, … (the same sample every time).
 */
export function sampleMutants(all: readonly ActiveFault[], n: number): ActiveFault[] {
  const byFault = new Map<string, ActiveFault[]>();
  for (const m of all) byFault.set(m.fault.name, [...(byFault.get(m.fault.name) ?? []), m]);
  const rank = (m: ActiveFault) => hashInt(20261202, m.fault.name, m.operation ?? '');
  const groups = [...byFault.values()]
    .map((g) => [...g].sort((a, b) => rank(a) - rank(b)))
    .sort((a, b) => rank(a[0] as ActiveFault) - rank(b[0] as ActiveFault));
  const out: ActiveFault[] = [];
  for (let k = 0; out.length < n && groups.some((g) => g.length > k); k++)
    for (const g of groups) if (g[k] && out.length < n) out.push(g[k] as ActiveFault);
  return out;
}

const instanceOf = (contract: Contract, op: Operation) => {
  const merged = contract.merged(op);
  return (op.kind === 'list' ? merged.properties?.[op.itemsKey ?? '']?.items : merged) ?? {};
};

/** Timeouts for the mutants: ten times the faithful run's slowest exchange, never under 800 ms. */
export function scaledTimeout(slowestMs: number): number {
  return Math.min(15_000, Math.max(800, Math.ceil(slowestMs * 10)));
}

const JOURNAL_DIR = join(tmpdir(), 'conformance-mutation-journal');

async function runOne(
  contract: Contract,
  mutant: ActiveFault | undefined,
  o: MutationOptions,
  timeoutMs: number,
): Promise<MutationRow & { slowestMs: number }> {
  const started = performance.now();
  const op = mutant?.operation
    ? [...contract.operations, ...contract.writes].find((x) => x.id === mutant.operation)
    : undefined;
  const runs = await conformanceOn(contract, mutant, op?.id, o, timeoutMs);
  const findings = runs.flatMap((r) => r.findings);
  // A mutant is caught by an error. The faithful run must raise nothing: no error, and no network or
  // provider error of any severity (a timeout or a retry there is a false alarm too).
  const caught = new Set(
    findings
      .filter((f) => f.severity === 'error' || (!mutant && f.category !== 'contract'))
      .map((f) => f.rule),
  );
  const slowestMs = Math.max(0, ...runs.flatMap((r) => r.observations.map((x) => x.exchange.durationMs)));
  if (o.pactFiles?.length && caught.size === 0 && !(await pactsHold(contract, mutant, o.pactFiles)))
    caught.add('pact');
  const label = op ? `${op.method} ${op.path}` : undefined;
  const killed = caught.size > 0;
  return {
    fault: mutant?.fault.name ?? 'faithful',
    ...(label ? { operation: label } : {}),
    description: mutant?.fault.description ?? 'the reference provider as documented',
    caughtBy: [...caught].sort(),
    killed,
    ms: Math.round(performance.now() - started),
    slowestMs,
    ...(mutant && !killed ? { why: survivorWhy(runs, label) } : {}),
    ...(!mutant && killed
      ? {
          why: findings
            .filter((f) => caught.has(f.rule))
            .slice(0, 3)
            .map((f) => `${f.rule} (${f.severity}, ${f.category}): ${f.message}`)
            .join('; '),
        }
      : {}),
  };
}

/** The whole conformance run on a provider with the mutant switched on (none: the faithful provider). */
function conformanceOn(
  contract: Contract,
  mutant: ActiveFault | undefined,
  operation: string | undefined,
  o: MutationOptions,
  timeoutMs: number,
): ReturnType<typeof runJob> {
  // Read faults need no writes; write faults and the faithful provider (no false alarm anywhere) get them.
  const writes = !mutant || mutant.fault.appliesToWrite !== undefined;
  return runJob({
    target: 'local',
    contract,
    recordingsDir: '',
    ...(mutant ? { fault: `${mutant.fault.name}@${mutant.operation}` } : {}),
    ...(operation ? { operations: [operation] } : {}),
    items: 12,
    seed: 1,
    timeoutMs,
    maxRetries: 1,
    maxRetryWaitMs: Math.ceil(timeoutMs / 4),
    maxConsecutiveFailures: 3,
    deadline: Date.now() + Math.max(60_000, timeoutMs * 75),
    paginationRuns: o.numRuns ?? 5,
    paginationSeed: 20261124,
    // A verdict is all a mutant needs: the first failure ends a property, no shrinking.
    shrink: false,
    readOnly: !writes,
    journalDir: JOURNAL_DIR,
    ...(writes && mutant ? { pagination: false } : {}),
  });
}

/** Whether the pacts verify against a provider with the mutant switched on (none: the faithful one). */
async function pactsHold(
  contract: Contract,
  mutant: ActiveFault | undefined,
  pactFiles: string[],
): Promise<boolean> {
  try {
    // The write interactions' states are made through the provider's own writes.
    await verifyOnLocalProvider({
      pactFiles,
      contract,
      journalDir: JOURNAL_DIR,
      ...(mutant ? { fault: mutant } : {}),
    });
    return true;
  } catch {
    return false;
  }
}

/** Why no rule caught a mutant: what judged its operation and passed, what could not run, what only warned. */
export function survivorWhy(runs: Awaited<ReturnType<typeof runJob>>, operation: string | undefined): string {
  const results = runs.flatMap((r) => r.results).filter((r) => !operation || r.operation === operation);
  const passed = results.filter((r) => r.outcome === 'passed').map((r) => r.rule);
  const notRun = results.filter((r) => r.outcome === 'not-run');
  const warned = [
    ...new Set(
      runs
        .flatMap((r) => r.findings)
        .filter((f) => f.severity === 'warning' && (!operation || f.operation === operation))
        .map((f) => f.rule),
    ),
  ];
  return [
    `${passed.length} rule(s) judged ${operation ?? 'the run'} and passed${passed.length ? ` (${passed.slice(0, 6).join(', ')}${passed.length > 6 ? ', …' : ''})` : ''}`,
    ...(notRun.length
      ? [`${notRun.length} did not run (${notRun[0]?.rule}: ${notRun[0]?.reason ?? 'no reason given'})`]
      : []),
    ...(warned.length ? [`only warnings from ${warned.join(', ')}`] : []),
  ].join('; ');
}

export async function runMutation(contract: Contract, o: MutationOptions = {}): Promise<MutationResult> {
  const all = mutants(contract, o.faults);
  const queue = o.sample !== undefined && o.sample < all.length ? sampleMutants(all, o.sample) : all;
  // The faithful provider first, alone, with room to spare: it must raise nothing, and its slowest
  // exchange sets the mutants' timeout (a loaded machine is slower for both alike).
  const { slowestMs, ...faithful } = await runOne(contract, undefined, o, 10_000);
  o.onRow?.(faithful, 0, queue.length);
  const timeoutMs = scaledTimeout(slowestMs);
  let done = 0;
  const rows = await mapLimit(
    queue,
    Math.max(1, o.concurrency ?? availableParallelism() * 2),
    async (mutant) => {
      const { slowestMs: _s, ...row } = await runOne(contract, mutant, o, timeoutMs);
      o.onRow?.(row, ++done, queue.length);
      return row;
    },
  );
  return {
    faithful,
    rows,
    killed: rows.filter((r) => r.killed).length,
    total: rows.length,
    falseAlarms: faithful.caughtBy,
    timeoutMs,
    ...(queue.length < all.length ? { sampledFrom: all.length } : {}),
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
    `**${r.killed}/${r.total} mutants killed (${score} %)**${r.sampledFrom ? ` (a sample of ${r.total} of the ${r.sampledFrom} mutants, spread over the faults)` : ''} over ${r.resources.length} resources (${r.resources.join(', ')}), ${r.falseAlarms.length} false alarms on the faithful provider${r.falseAlarms.length ? ` (${r.falseAlarms.join(', ')}: ${r.faithful.why ?? ''})` : ''}. Mutant timeout ${r.timeoutMs} ms (ten times the faithful run's slowest exchange, at least 800 ms).`,
    '',
    '| fault | operation | killed | caught by, or why it survived | what it breaks |',
    '|---|---|---|---|---|',
    ...r.rows.map(
      (row) =>
        `| \`${row.fault}\` | \`${row.operation ?? ''}\` | ${row.killed ? 'yes' : '**NO**'} | ${row.killed ? row.caughtBy.map((c) => `\`${c}\``).join(', ') : (row.why ?? '—')} | ${row.description} |`,
    ),
    '',
  ].join('\n');
}
