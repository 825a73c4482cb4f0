// A conformance run, assembled once for every command: the plan's requests through the transport,
// every selected observation rule over every observation, the pagination properties over every
// list, and an outcome per rule × operation (passed, failed or not run) for the reports.
// The pagination properties run in src/run/pagination-run.ts; writes in src/run/run-writes.ts.

import type { Finding } from '../finding';
import type { Operation } from '../model/operation';
import { OBSERVATION_RULES } from '../rules/observation-rules';
import type { Observation } from '../rules/rule';
import { transportFindings, unmappedFinding } from '../rules/transport';
import { judgedScenario, lifecycleRule } from '../rules/writes/rules';
import type { Contract } from '../schemas/contract';
import type { HttpTransport } from '../transport/http';
import type { JournalEntry } from './journal';
import type { Arranged } from './lifecycle';
import { type PaginationOptions, runPagination } from './pagination-run';
import { type PlanOptions, type PlanResult, runPlan } from './plan';
import { outcome, type RuleResult, type RunResult } from './results';
import { endWrites, judgeWrites, modelResult, startWrites, type WriteRunOptions } from './run-writes';
import type { Finished } from './writes/finish';
import type { WriteSession } from './writes/session';

export type { PaginationOptions } from './pagination-run';
export type { Outcome, RuleResult, RunResult } from './results';
export type { WriteRunOptions } from './run-writes';

export interface RunOptions extends PlanOptions {
  /** Rule names to run (all when absent). */
  rules?: ReadonlySet<string>;
  pagination?: PaginationOptions;
  /** Writes allowed on this target: arrange what the reads need, judge every write, undo it all. */
  writes?: WriteRunOptions;
  onRule?: (rule: string, results: RuleResult[]) => void;
  /** Each pagination property on each list as it ends (they are the long part of a run). */
  onProperty?: (result: RuleResult) => void;
}

const selection =
  (options: RunOptions) =>
  (name: string): boolean =>
    !options.rules || options.rules.has(name);

export async function runConformance(
  transport: HttpTransport,
  contract: Contract,
  options: RunOptions = {},
): Promise<RunResult> {
  const started = performance.now();
  const selected = selection(options);
  const w = options.writes;
  // The updates wait until the reads are judged: by then their items are more than a second old.
  // Narrowed by --only: no refusal that none of the selected rules judges.
  const refusals = options.rules ? judgedScenario(selected) : undefined;
  const writing = w
    ? await startWrites(contract, { ...w, deferUpdates: true }, options.operations, refusals)
    : undefined;
  let finished: Finished | undefined;
  let result: RunResult;
  try {
    result = await judgeReads(transport, contract, options, writing?.arranged, started);
    await writing?.arranged?.updates();
    if (w && writing && !writing.stopped && (w.modelRuns ?? 0) > 0 && selected(lifecycleRule.name)) {
      const model = await modelResult(writing.session, w, transport.target);
      result.findings.push(...model.findings);
      result.results.push(model);
    }
  } finally {
    await writing?.arranged?.settled;
    if (w && writing) finished = await endWrites(writing.session, w);
  }
  if (w && writing)
    addWrites(result, contract, options, { session: writing.session, w, finished }, transport);
  return result;
}

/** What the journal says the run made and no operation removes (a made entry with no undo), per list. */
function unremovableOf(entries: readonly JournalEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of entries)
    if (e.kind === 'made' && !e.undo)
      out[e.list ?? e.write ?? '?'] = (out[e.list ?? e.write ?? '?'] ?? 0) + 1;
  return out;
}

/** Every write the run made, judged once it is undone (the undo's own requests included). */
function addWrites(
  result: RunResult,
  contract: Contract,
  options: RunOptions,
  writing: { session: WriteSession; w: WriteRunOptions; finished: Finished | undefined },
  transport: HttpTransport,
): void {
  const { session, w, finished } = writing;
  const judged = judgeWrites(
    contract,
    [...session.observations, ...(finished?.observations ?? [])],
    finished,
    {
      selected: selection(options),
      ...(options.operations ? { operations: options.operations } : {}),
      cleanupCommand: w.cleanupCommand,
      target: transport.target,
      notSent: session.reach.notSent,
    },
  );
  result.findings.push(...judged.findings);
  result.results.push(...judged.results);
  result.writeRequests = w.transport.requestsSent + w.cleanup.requestsSent;
  const unremovable = unremovableOf(w.journal.entries);
  if (Object.keys(unremovable).length) result.unremovable = unremovable;
  options.onRule?.('write', judged.results);
}

/**
 * The reads: the plan's requests (under the path values the writes arranged, when there are any),
 * the recorded writes as traffic, every observation rule on every observation, then the
 * pagination properties.
 */
async function judgeReads(
  transport: HttpTransport,
  contract: Contract,
  options: RunOptions,
  hinted: Arranged | undefined,
  started: number,
): Promise<RunResult> {
  const selected = selection(options);
  const ops = contract.operations.filter((op) => !options.operations || options.operations.includes(op.id));
  const plan = await runPlan(transport, contract, {
    ...options,
    pathHints: (op) => [...(hinted?.hints(op) ?? []), ...(options.pathHints?.(op) ?? [])],
    ...(hinted ? { ready: hinted.ready } : {}),
  });
  const { observations } = plan;
  const recordedWrites =
    plan.writes.length > 0
      ? judgeWrites(contract, plan.writes, undefined, {
          selected,
          cleanupCommand: '',
          target: transport.target,
          recorded: true,
          ...(options.operations ? { operations: options.operations } : {}),
        })
      : undefined;
  const findings: Finding[] = [
    ...observations.flatMap(transportFindings),
    ...plan.unmapped.map((r) => unmappedFinding(r, transport.baseUrl)),
    ...(recordedWrites?.findings ?? []),
  ].filter((f) => selected(f.rule));
  // Recorded writes first, as a run that writes reports them after its reads.
  const results: RuleResult[] = [...(recordedWrites?.results ?? [])];
  const judged = judgeObservations(contract, ops, plan, options);
  findings.push(...judged.findings);
  results.push(...judged.results);
  let paginationRequests = 0;
  if (options.pagination) {
    const pagination = await runPagination(contract, ops, plan, options.pagination, {
      selected,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.onRule ? { onRule: options.onRule } : {}),
      ...(options.onProperty ? { onProperty: options.onProperty } : {}),
    });
    findings.push(...pagination.findings);
    results.push(...pagination.results);
    paginationRequests = pagination.requests;
  }
  for (const f of findings) f.target = transport.target;
  return {
    target: transport.target,
    observations,
    findings,
    results,
    requests: transport.requestsSent,
    paginationRequests,
    durationMs: Math.round(performance.now() - started),
  };
}

/** Every selected observation rule on the observations of every operation it applies to. */
function judgeObservations(
  contract: Contract,
  ops: readonly Operation[],
  plan: PlanResult,
  options: RunOptions,
): { findings: Finding[]; results: RuleResult[] } {
  const findings: Finding[] = [];
  const results: RuleResult[] = [];
  const { observations } = plan;
  for (const rule of OBSERVATION_RULES.filter((r) => selection(options)(r.name))) {
    const mine: RuleResult[] = [];
    for (const op of ops.filter((o) => rule.appliesTo(o, contract))) {
      const applicable = observations.filter((o) => o.op === op && rule.applies(o));
      const found = applicable.flatMap((o) => rule.run(o, contract));
      mine.push(
        outcome(rule.name, op, applicable.length, found, () =>
          notRunReason(observations, op, plan.unreached),
        ),
      );
      findings.push(...found);
    }
    results.push(...mine);
    options.onRule?.(rule.name, mine);
  }
  return { findings, results };
}

function notRunReason(
  observations: readonly Observation[],
  op: Operation,
  unreached: ReadonlyMap<string, string>,
): string {
  const mine = observations.filter((o) => o.op === op);
  if (mine.length === 0) return unreached.get(op.id) ?? 'no request was made for this operation';
  if (mine.every((o) => o.exchange.error)) return mine[0]?.exchange.error?.message ?? 'no response';
  return 'no response this rule applies to';
}
