// A conformance run, assembled once for every command: the plan's requests through the transport,
// every selected observation rule over every observation, the pagination properties over every
// list, and an outcome per rule × operation (passed, failed or not run) for the reports.

import { mapLimit } from '../concurrency';
import type { Finding } from '../finding';
import { ModelIndex } from '../model/model';
import { fillPath, type Operation, operationLabel } from '../model/operation';
import { pageSizeBounds } from '../rules/invariants';
import { OBSERVATION_RULES } from '../rules/observation-rules';
import { type ListSize, probeSize, splitBudget } from '../rules/pagination/budget';
import { PAGINATION_RULES, type PageSizePolicy, type PaginationRule } from '../rules/pagination/properties';
import type { Observation } from '../rules/rule';
import { transportFindings, unmappedFinding } from '../rules/transport';
import { lifecycleRule } from '../rules/writes/rules';
import type { Contract } from '../schemas/contract';
import { type HttpTransport, RunLimitError } from '../transport/http';
import type { Arranged } from './lifecycle';
import { type PlanOptions, runPlan } from './plan';
import type { RuleResult, RunResult } from './results';
import { endWrites, judgeWrites, modelResult, startWrites, type WriteRunOptions } from './run-writes';
import type { Finished } from './writes/finish';

export type { Outcome, RuleResult, RunResult } from './results';
export type { WriteRunOptions } from './run-writes';

export interface PaginationOptions {
  transport: HttpTransport;
  numRuns: number;
  shrink?: boolean;
  seed?: number;
  pageSizePolicy?: PageSizePolicy;
  /** Resizes a list on the local provider (undefined: back to its seeded size). */
  setCount?: (operationId: string, n: number | undefined) => void;
}

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

export async function runConformance(
  transport: HttpTransport,
  contract: Contract,
  options: RunOptions = {},
): Promise<RunResult> {
  const started = performance.now();
  const selected = (name: string) => !options.rules || options.rules.has(name);
  const ops = contract.operations.filter((op) => !options.operations || options.operations.includes(op.id));
  const w = options.writes;
  const writing = w ? await startWrites(contract, w, options.operations) : undefined;
  let finished: Finished | undefined;
  let result: RunResult;
  try {
    result = await judge(writing?.arranged);
    if (w && writing && (w.modelRuns ?? 0) > 0 && selected(lifecycleRule.name)) {
      const model = await modelResult(writing.session, w, transport.target);
      result.findings.push(...model.findings);
      result.results.push(model);
    }
  } finally {
    await writing?.arranged?.settled;
    if (w && writing) finished = await endWrites(writing.session, w);
  }
  if (w && writing) {
    const judged = judgeWrites(
      contract,
      [...writing.session.observations, ...(finished?.observations ?? [])],
      finished,
      {
        selected,
        ...(options.operations ? { operations: options.operations } : {}),
        cleanupCommand: w.cleanupCommand,
        target: transport.target,
      },
    );
    result.findings.push(...judged.findings);
    result.results.push(...judged.results);
    result.writeRequests = w.transport.requestsSent + w.cleanup.requestsSent;
    options.onRule?.('write', judged.results);
  }
  return result;

  async function judge(hinted: Arranged | undefined): Promise<RunResult> {
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
    for (const rule of OBSERVATION_RULES.filter((r) => selected(r.name))) {
      const mine: RuleResult[] = [];
      for (const op of ops.filter((o) => rule.appliesTo(o))) {
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
    let paginationRequests = 0;
    if (options.pagination) {
      const p = options.pagination;
      const index = new ModelIndex(contract.model);
      const rules = PAGINATION_RULES.filter((r) => selected(r.name));
      const lists = ops.filter((op) => op.kind === 'list');
      const runs = lists.flatMap((op) => rules.filter((r) => r.appliesTo(op)).map((r) => [r, op] as const));
      // A bounded budget (live): each list's size is learnt by a probe at its largest PageSize, then
      // the budget is split by need, so small lists leave what they do not use to large ones.
      const sizes = new Map<string, ListSize>();
      let allocation: Map<string, number> | undefined;
      if (Number.isFinite(p.transport.budget)) {
        const probe = p.transport.withBudget(p.transport.budget);
        await mapLimit(lists, options.concurrency ?? 1, async (op) => {
          const state = plan.lists.get(op.id);
          const bounds = pageSizeBounds(op);
          if (!state || !runs.some(([, o]) => o === op)) return;
          const path = fillPath(op.path, state.values);
          const url = bounds ? `${path}?${bounds.name}=${Math.min(bounds.max, 1000)}` : path;
          const size = await probeSize(probe, url, op.itemsKey ?? '', op.envelope);
          if (size) sizes.set(op.id, size);
        });
        paginationRequests += probe.requestsSent;
        const unknown: ListSize = { count: 0, exact: true, requests: 0 };
        allocation = splitBudget(
          runs.map(([rule, op]) => ({
            key: `${rule.name} ${op.id}`,
            ...rule.demand(op, sizes.get(op.id) ?? unknown, p.numRuns),
          })),
          p.transport.budget - probe.requestsSent,
        );
      }
      const shareOf = (rule: PaginationRule, op: Operation): number =>
        allocation?.get(`${rule.name} ${op.id}`) ?? Number.POSITIVE_INFINITY;
      // Lists of one family (a list and those nested under it) resize each other on the local provider:
      // a family's runs go in sequence; families run side by side, up to the run's concurrency.
      const rootOf = (op: Operation): Operation => {
        const parent = index.parentsOf(op)[0];
        return parent ? rootOf(parent) : op;
      };
      const families = [...new Set(runs.map(([, op]) => rootOf(op)))];
      const resultsOf = await mapLimit(families, options.concurrency ?? 1, async (root) => {
        const mine: Array<RuleResult & { requests?: number }> = [];
        for (const [rule, op] of runs.filter(([, o]) => rootOf(o) === root)) {
          const state = plan.lists.get(op.id);
          mine.push(
            state
              ? await runProperty(rule, op, state.values, shareOf(rule, op))
              : outcome(rule.name, op, 0, [], () => plan.unreached.get(op.id) ?? 'the list was not reached'),
          );
        }
        return mine;
      });
      // Reported in model order, whatever the scheduling.
      const all = resultsOf.flat();
      const byRule = new Map<string, Array<RuleResult & { requests?: number }>>();
      for (const [rule, op] of runs) {
        const result = all.find((r) => r.rule === rule.name && r.operation === operationLabel(op));
        if (!result) continue;
        paginationRequests += result.requests ?? 0;
        findings.push(...result.findings);
        byRule.set(rule.name, [...(byRule.get(rule.name) ?? []), result]);
      }
      for (const rule of rules) {
        const mine = byRule.get(rule.name) ?? [];
        results.push(...mine);
        options.onRule?.(rule.name, mine);
      }

      async function runProperty(
        rule: PaginationRule,
        op: Operation,
        values: Record<string, string>,
        budget: number,
      ) {
        const t = p.transport.withBudget(budget);
        const fetch = op.pairsWith ? index.get(op.pairsWith) : undefined;
        const last = fetch?.pathParams.at(-1)?.name;
        let found: Finding[];
        let judged = 0;
        try {
          const outcome = await rule.run({
            transport: t,
            contract,
            op,
            listPath: fillPath(op.path, values),
            ...(sizes.get(op.id) ? { size: sizes.get(op.id) as ListSize } : {}),
            ...(fetch && last
              ? { fetchPathFor: (id: string) => fillPath(fetch.path, { ...values, [last]: id }) }
              : {}),
            ...(p.setCount ? { setCount: (n: number) => p.setCount?.(op.id, n) } : {}),
            numRuns: p.numRuns,
            ...(p.shrink === false ? { shrink: false } : {}),
            ...(p.seed !== undefined ? { seed: p.seed } : {}),
            ...(p.pageSizePolicy ? { pageSizePolicy: p.pageSizePolicy } : {}),
          });
          found = outcome.findings;
          judged = outcome.judged;
        } catch (error) {
          if (!(error instanceof RunLimitError)) throw error;
          found = [
            {
              rule: rule.name,
              severity: 'info',
              category: 'network',
              source: 'the transport',
              operation: operationLabel(op),
              message: `not run: ${error.message}`,
            },
          ];
        } finally {
          p.setCount?.(op.id, undefined);
        }
        const failed = found.some((f) => f.severity === 'error');
        const r: RuleResult = {
          rule: rule.name,
          operation: operationLabel(op),
          outcome: failed ? 'failed' : judged === 0 ? 'not-run' : 'passed',
          findings: found,
          requests: t.requestsSent,
          ...(Number.isFinite(budget) ? { budget } : {}),
          ...(judged === 0 && !failed
            ? { reason: found.find((f) => f.severity === 'info')?.message ?? 'no run could be judged' }
            : {}),
        };
        options.onProperty?.(r);
        return r;
      }
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
}

function outcome(
  rule: string,
  op: Operation,
  applicable: number,
  found: Finding[],
  reason: () => string,
): RuleResult & { requests?: number } {
  return {
    rule,
    operation: operationLabel(op),
    outcome: applicable === 0 ? 'not-run' : found.some((f) => f.severity === 'error') ? 'failed' : 'passed',
    findings: found,
    ...(applicable === 0 ? { reason: reason() } : {}),
  };
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
