// How a pagination property runs and reports: the context it is given (the list, its filled path,
// the transport and its budget, a resizable provider's setCount), fast-check's verdict as findings —
// one per failing property, with the seed, the path and the shrunk counterexample as a curl line to
// replay — its requests (a run limit is "not judged", never a verdict), and the PageSizes a walk
// takes on a bounded budget.

import type * as FC from 'fast-check';
import type { Finding } from '../../finding';
import { parseProviderJson } from '../../json';
import { fastCheck } from '../../lazy';
import { type Operation, operationLabel } from '../../model/operation';
import type { Contract } from '../../schemas/contract';
import { type HttpTransport, isRunLimit, RunLimitError } from '../../transport/http';
import { curlFor } from '../curl';
import { type PageSizeBounds, pageSizeBounds } from '../invariants';
import type { RuleInfo } from '../rule';
import { fitWalks, type ListSize, plannedCount } from './budget';

export type PageSizePolicy = 'reject' | 'clamp';

export interface PropertyContext {
  transport: HttpTransport;
  contract: Contract;
  /** The list, and its path with every parameter filled (a nested list: under a parent that has children). */
  op: Operation;
  listPath: string;
  /** The paired fetch's path for an item id, when the list pairs with a fetch. */
  fetchPathFor?: (id: string) => string;
  /** The status that fetch documents: 200 (the item), or a redirect (302, 307) whose body says where it is. */
  fetchStatus?: number;
  /** Only the local provider can be resized; elsewhere N is whatever the account holds. */
  setCount?: (n: number) => void;
  numRuns: number;
  /** Shrink a failure to its smallest counterexample (default); off, the first failure ends the property. */
  shrink?: boolean;
  seed?: number;
  pageSizePolicy?: PageSizePolicy;
  /** The list's size as a probe learnt it (bounded budgets): walks are sized to reach its end within the budget. */
  size?: ListSize;
}

/** What a property found, and how many of its runs could be judged at all. */
export interface PropertyOutcome {
  findings: Finding[];
  judged: number;
}

export interface PaginationRule extends RuleInfo {
  kind: 'pagination';
  appliesTo(op: Operation): boolean;
  /** Requests a full judgment of a list of this size costs, and the least that judges anything. */
  demand(op: Operation, size: ListSize, numRuns: number): { need: number; floor: number };
  run(ctx: PropertyContext): Promise<PropertyOutcome>;
}

export const withQuery = (path: string, query: Record<string, string>): string => {
  const q = new URLSearchParams(query).toString();
  return q ? `${path}?${q}` : path;
};

/** A finding of this property on this list: a Twilio convention broken, unless said otherwise. */
export function base(
  name: string,
  ctx: PropertyContext,
  f: Omit<Finding, 'rule' | 'operation' | 'category' | 'source'> &
    Partial<Pick<Finding, 'source' | 'category'>>,
): Finding {
  return {
    rule: name,
    operation: operationLabel(ctx.op),
    category: 'contract',
    source: 'twilio convention',
    ...f,
  };
}

/** fast-check's verdict as findings: one per failing property, with what is needed to replay it. */
export async function check<T>(
  name: string,
  ctx: PropertyContext,
  arbitrary: FC.Arbitrary<T>,
  predicate: (value: T) => Promise<string | undefined>,
  replay: (value: T) => string,
  /** Run first, every time: the boundaries are never left to chance. */
  examples: T[] = [],
  /** Said as info after the verdict (walks the budget cut short, how the page sizes were fitted). */
  notes: () => string[] = () => [],
): Promise<PropertyOutcome> {
  const fc = fastCheck();
  let failure: { value: T; message: string } | undefined;
  let judged = 0;
  let unjudged = 0;
  let why = '';
  const property = fc.asyncProperty(arbitrary, async (value) => {
    let message: string | undefined;
    try {
      message = await predicate(value);
      judged++;
    } catch (error) {
      if (!(error instanceof RunLimitError)) throw error;
      // Cannot judge (budget, deadline, no recording): neither a pass nor a failure; reported below.
      unjudged++;
      why = error.message;
      return true;
    }
    if (message) failure = { value, message };
    return message === undefined;
  });
  const details = await fc.check(property, {
    numRuns: ctx.numRuns,
    ...(ctx.shrink === false ? { endOnFailure: true } : {}),
    examples: examples.map((e) => [e] as [T]),
    ...(ctx.seed !== undefined ? { seed: ctx.seed } : {}),
  });
  const findings: Finding[] = [];
  if (details.failed && details.counterexample) {
    const [value] = details.counterexample;
    // fast-check's last failing run is the shrunk counterexample: its message is the one kept.
    const message = failure?.message ?? 'failed';
    const url = new URL(replay(value), `${ctx.transport.baseUrl}/`).toString();
    findings.push(
      base(name, ctx, {
        severity: 'error',
        request: { method: 'GET', url },
        input: value as unknown,
        message: `${message} — counterexample ${JSON.stringify(value)} (seed ${details.seed}, path "${details.counterexamplePath}", ${details.numRuns} runs, ${details.numShrinks} shrinks); replay: ${curlFor({ method: 'GET', url })}`,
      }),
    );
  } else if (details.failed) {
    findings.push(
      base(name, ctx, {
        severity: 'error',
        message: `property errored: ${String(details.errorInstance ?? 'unknown')} (seed ${details.seed})`,
      }),
    );
  }
  if (unjudged > 0) {
    findings.push(
      base(name, ctx, {
        severity: 'info',
        category: 'network',
        source: 'the transport',
        message: `${unjudged} of ${judged + unjudged} runs could not be judged: ${why}`,
      }),
    );
  }
  for (const message of notes()) findings.push(base(name, ctx, { severity: 'info', message }));
  return { findings, judged };
}

/**
 * A GET through the property's transport: its status and JSON object body. The budget, the deadline
 * or no answer at all throw RunLimitError: the run is not judged, never failed.
 */
export async function getJson(ctx: PropertyContext, url: string) {
  if (ctx.transport.requestsSent >= ctx.transport.budget)
    throw new RunLimitError(`request budget of ${ctx.transport.budget} used up`);
  const exchange = await ctx.transport.get(url);
  if (isRunLimit(exchange)) throw new RunLimitError(exchange.error?.message ?? 'run limit');
  // No answer at all (refused, reset, timed out): the network's, judged by the transport rules, never
  // a contract verdict of this property.
  if (!exchange.response) throw new RunLimitError(exchange.error?.message ?? 'no response');
  const parsed = parseProviderJson(exchange.response?.body ?? '');
  const body = parsed.ok ? parsed.value : undefined;
  const record =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  return { status: exchange.response?.status, body: record, raw: body };
}

/** PageSize for a walk: what the list takes, else nothing (the provider's default). */
export const sized = (ctx: PropertyContext, pageSize: number): string => {
  const b = pageSizeBounds(ctx.op);
  return b ? withQuery(ctx.listPath, { [b.name]: String(pageSize) }) : ctx.listPath;
};

/** Page sizes a live walk may take: random, but never so small that a walk cannot reach the end in its share. */
export function fittedPageSizes(
  ctx: PropertyContext,
  b: PageSizeBounds,
  walksPerRun: number,
): { runs: number; floor: number; note?: string } | undefined {
  if (!ctx.size || ctx.setCount || !Number.isFinite(ctx.transport.budget)) return undefined;
  const count = plannedCount(ctx.size);
  // fast-check counts its examples among numRuns: the runs are every walk the property makes.
  const fit = fitWalks(count, ctx.transport.budget, ctx.numRuns, b, walksPerRun);
  return {
    runs: fit.runs,
    floor: fit.floor,
    note: `${ctx.size.exact ? '' : 'at least '}${ctx.size.count} items (a probe at PageSize ${b.max}); ${ctx.transport.budget} requests: ${fit.runs} run(s) at PageSize ≥ ${fit.floor}, so each walk reaches the last page`,
  };
}
