// The pagination properties of a run, over every list the plan reached: on a bounded budget (live)
// each list's size is probed first and the budget split by need; lists of one family (a list and
// those nested under it) run in sequence, families side by side; results come back in model order,
// whatever the scheduling.

import { mapLimit } from '../concurrency';
import type { Finding } from '../finding';
import { ModelIndex } from '../model/model';
import { fillPath, type Operation, operationLabel, successStatus } from '../model/operation';
import { pageSizeBounds } from '../rules/invariants';
import { type ListSize, probeSize, splitBudget } from '../rules/pagination/budget';
import { PAGINATION_RULES } from '../rules/pagination/properties';
import type { PageSizePolicy, PaginationRule, PropertyContext } from '../rules/pagination/property';
import type { Contract } from '../schemas/contract';
import { type HttpTransport, RunLimitError } from '../transport/http';
import type { PlanResult } from './plan';
import { outcome, type RuleResult } from './results';

export interface PaginationOptions {
  transport: HttpTransport;
  numRuns: number;
  shrink?: boolean;
  seed?: number;
  pageSizePolicy?: PageSizePolicy;
  /** Resizes a list on the local provider (undefined: back to its seeded size). */
  setCount?: (operationId: string, n: number | undefined) => void;
}

/** What a run passes on to its pagination properties. */
export interface PaginationRunOptions {
  selected: (rule: string) => boolean;
  concurrency?: number;
  onRule?: (rule: string, results: RuleResult[]) => void;
  /** Each property on each list as it ends. */
  onProperty?: (result: RuleResult) => void;
}

type Run = readonly [PaginationRule, Operation];
type Measured = RuleResult & { requests?: number };

/** What every property run reads: the options, the plan's lists and, on a bounded budget, sizes and shares. */
interface Context {
  contract: Contract;
  index: ModelIndex;
  p: PaginationOptions;
  plan: Pick<PlanResult, 'lists' | 'unreached'>;
  sizes: Map<string, ListSize>;
  allocation?: Map<string, number>;
  onProperty?: (result: RuleResult) => void;
}

export async function runPagination(
  contract: Contract,
  ops: readonly Operation[],
  plan: Pick<PlanResult, 'lists' | 'unreached'>,
  p: PaginationOptions,
  o: PaginationRunOptions,
): Promise<{ findings: Finding[]; results: RuleResult[]; requests: number }> {
  const rules = PAGINATION_RULES.filter((r) => o.selected(r.name));
  const lists = ops.filter((op) => op.kind === 'list');
  const runs = lists.flatMap((op) => rules.filter((r) => r.appliesTo(op)).map((r) => [r, op] as const));
  const ctx: Context = {
    contract,
    index: new ModelIndex(contract.model),
    p,
    plan,
    sizes: new Map(),
    ...(o.onProperty ? { onProperty: o.onProperty } : {}),
  };
  let requests = Number.isFinite(p.transport.budget) ? await shareBudget(ctx, lists, runs, o.concurrency) : 0;
  // Lists of one family (a list and those nested under it) resize each other on the local provider:
  // a family's runs go in sequence; families run side by side, up to the run's concurrency.
  const rootOf = (op: Operation): Operation => {
    const parent = ctx.index.parentsOf(op)[0];
    return parent ? rootOf(parent) : op;
  };
  const families = [...new Set(runs.map(([, op]) => rootOf(op)))];
  const resultsOf = await mapLimit(families, o.concurrency ?? 1, async (root) => {
    const mine: Measured[] = [];
    for (const [rule, op] of runs.filter(([, x]) => rootOf(x) === root))
      mine.push(await runOne(ctx, rule, op));
    return mine;
  });
  // Reported in model order, whatever the scheduling.
  const all = resultsOf.flat();
  const findings: Finding[] = [];
  const byRule = new Map<string, Measured[]>();
  for (const [rule, op] of runs) {
    const result = all.find((r) => r.rule === rule.name && r.operation === operationLabel(op));
    if (!result) continue;
    requests += result.requests ?? 0;
    findings.push(...result.findings);
    byRule.set(rule.name, [...(byRule.get(rule.name) ?? []), result]);
  }
  const results: RuleResult[] = [];
  for (const rule of rules) {
    const mine = byRule.get(rule.name) ?? [];
    results.push(...mine);
    o.onRule?.(rule.name, mine);
  }
  return { findings, results, requests };
}

/**
 * A bounded budget (live): each list's size is learnt by a probe at its largest PageSize, then the
 * budget is split by need, so small lists leave what they do not use to large ones. Returns the
 * requests the probes made.
 */
async function shareBudget(
  ctx: Context,
  lists: readonly Operation[],
  runs: readonly Run[],
  concurrency: number | undefined,
): Promise<number> {
  const { p, plan, sizes } = ctx;
  const probe = p.transport.withBudget(p.transport.budget);
  await mapLimit(lists, concurrency ?? 1, async (op) => {
    const state = plan.lists.get(op.id);
    const bounds = pageSizeBounds(op);
    if (!state || !runs.some(([, o]) => o === op)) return;
    const path = fillPath(op.path, state.values);
    const url = bounds ? `${path}?${bounds.name}=${Math.min(bounds.max, 1000)}` : path;
    const size = await probeSize(probe, url, op.itemsKey ?? '', op.envelope);
    if (size) sizes.set(op.id, size);
  });
  const unknown: ListSize = { count: 0, exact: true, requests: 0 };
  ctx.allocation = splitBudget(
    runs.map(([rule, op]) => ({
      key: `${rule.name} ${op.id}`,
      ...rule.demand(op, sizes.get(op.id) ?? unknown, p.numRuns),
    })),
    p.transport.budget - probe.requestsSent,
  );
  return probe.requestsSent;
}

/** One property on one list, on its share of the budget; a list the plan did not reach is not run. */
function runOne(ctx: Context, rule: PaginationRule, op: Operation): Promise<Measured> | Measured {
  const state = ctx.plan.lists.get(op.id);
  if (!state)
    return outcome(rule.name, op, 0, [], () => ctx.plan.unreached.get(op.id) ?? 'the list was not reached');
  const budget = ctx.allocation?.get(`${rule.name} ${op.id}`) ?? Number.POSITIVE_INFINITY;
  return runProperty(ctx, rule, op, state.values, budget);
}

async function runProperty(
  ctx: Context,
  rule: PaginationRule,
  op: Operation,
  values: Record<string, string>,
  budget: number,
): Promise<Measured> {
  const { p } = ctx;
  const t = p.transport.withBudget(budget);
  let found: Finding[];
  let judged = 0;
  try {
    const outcome = await rule.run(propertyContext(ctx, op, values, t));
    found = outcome.findings;
    judged = outcome.judged;
  } catch (error) {
    if (!(error instanceof RunLimitError)) throw error;
    found = [notRun(rule, op, error)];
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
  ctx.onProperty?.(r);
  return r;
}

/** What a property reads of its list: the filled path, its fetch's path per id, its size, the run's settings. */
function propertyContext(
  ctx: Context,
  op: Operation,
  values: Record<string, string>,
  t: HttpTransport,
): PropertyContext {
  const { p, sizes } = ctx;
  const fetch = op.pairsWith ? ctx.index.get(op.pairsWith) : undefined;
  const last = fetch?.pathParams.at(-1)?.name;
  return {
    transport: t,
    contract: ctx.contract,
    op,
    listPath: fillPath(op.path, values),
    ...(sizes.get(op.id) ? { size: sizes.get(op.id) as ListSize } : {}),
    ...(fetch && last
      ? {
          fetchPathFor: (id: string) => fillPath(fetch.path, { ...values, [last]: id }),
          fetchStatus: successStatus(fetch),
        }
      : {}),
    ...(p.setCount ? { setCount: (n: number) => p.setCount?.(op.id, n) } : {}),
    numRuns: p.numRuns,
    ...(p.shrink === false ? { shrink: false } : {}),
    ...(p.seed !== undefined ? { seed: p.seed } : {}),
    ...(p.pageSizePolicy ? { pageSizePolicy: p.pageSizePolicy } : {}),
  };
}

/** A property the budget or the deadline stopped before it could judge: said, not failed. */
const notRun = (rule: PaginationRule, op: Operation, error: RunLimitError): Finding => ({
  rule: rule.name,
  severity: 'info',
  category: 'network',
  source: 'the transport',
  operation: operationLabel(op),
  message: `not run: ${error.message}`,
});
