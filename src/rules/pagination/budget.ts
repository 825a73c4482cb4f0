// Walks that fit the budget. A list's size is learnt cheaply (a walk at the largest PageSize its
// query schema allows); the pagination budget is then split by need (water-filling: what small
// lists leave unused flows to large ones); within its share, a property picks page sizes so that
// its walks reach the last page, random where they fit.

import type { Envelope } from '../../model/twilio-conventions';
import type { HttpTransport } from '../../transport/http';
import type { PageSizeBounds } from '../invariants';
import { walkPages } from './walker';

/** What a size probe learnt: the item count, exact when the probe reached the last page. */
export interface ListSize {
  count: number;
  exact: boolean;
  /** Requests the probe made. */
  requests: number;
}

/** Pages a size probe walks at most (at PageSize 1000: ten thousand items). */
export const PROBE_PAGES = 10;
/** Requests a walk costs beyond its pages: two previous_page_url checks and one for slack. */
const WALK_OVERHEAD = 3;

/** Counts a list's items by walking it at `pageSize` (its largest), at most PROBE_PAGES pages. */
export async function probeSize(
  transport: HttpTransport,
  firstUrl: string,
  itemsKey: string,
  envelope?: Envelope,
): Promise<ListSize | undefined> {
  let count = 0;
  let requests = 0;
  const walk = walkPages(transport, firstUrl, {
    maxPages: PROBE_PAGES,
    itemsKey,
    ...(envelope ? { envelope } : {}),
  });
  try {
    for (;;) {
      const step = await walk.next();
      if (step.done) {
        const stop = step.value;
        if (stop.kind === 'failed' && requests === 0) return undefined;
        return { count, exact: stop.kind === 'end', requests: requests + (stop.kind === 'failed' ? 1 : 0) };
      }
      requests++;
      count += step.value.items.length;
    }
  } catch {
    // The budget or deadline ran out mid-probe: what was counted is a lower bound.
  }
  return requests ? { count, exact: false, requests } : undefined;
}

/** The item count a walk should plan for: the probe's count, or twice its lower bound. */
export const plannedCount = (s: ListSize): number => (s.exact ? s.count : Math.max(1, s.count) * 2);

/** Requests one walk costs at a page size. */
export const walkCost = (count: number, pageSize: number): number =>
  Math.max(1, Math.ceil(count / pageSize)) + WALK_OVERHEAD;

/**
 * The smallest page size at which a walk of `count` items costs at most `perWalk` requests, within
 * the bounds; the largest allowed when none fits (that walk then stops at the budget, judged on the
 * pages it saw).
 */
export function fittingPageSize(
  count: number,
  perWalk: number,
  b: Pick<PageSizeBounds, 'min' | 'max'>,
): number {
  const pages = Math.max(1, perWalk - WALK_OVERHEAD);
  const wanted = Math.ceil(count / pages);
  return Math.min(b.max, Math.max(b.min, wanted));
}

/**
 * Walks a property can afford within `budget`: up to `runs`, each at least one page size that fits;
 * at least one (a walk at the largest page size), even when it cannot reach the end.
 */
export function fitWalks(
  count: number,
  budget: number,
  runs: number,
  b: Pick<PageSizeBounds, 'min' | 'max'>,
  walksPerRun = 1,
): { runs: number; floor: number } {
  const cheapest = walkCost(count, b.max) * walksPerRun;
  const affordable = Math.max(1, Math.min(runs, Math.floor(budget / cheapest)));
  const perWalk = Math.floor(budget / affordable / walksPerRun);
  return { runs: affordable, floor: fittingPageSize(count, perWalk, b) };
}

export interface Demand {
  key: string;
  /** What a full judgment costs. */
  need: number;
  /** The least that judges anything at all. */
  floor: number;
}

/**
 * Splits `total` requests by water-filling: each demand first gets its floor (in order, while any
 * budget is left), then the rest is shared evenly, none getting more than it needs, what one leaves
 * flowing to the others.
 */
export function splitBudget(demands: readonly Demand[], total: number): Map<string, number> {
  const out = new Map<string, number>();
  let left = Math.max(0, Math.floor(total));
  for (const d of demands) {
    const give = Math.min(d.floor, d.need, left);
    out.set(d.key, give);
    left -= give;
  }
  let open = demands.filter((d) => (out.get(d.key) ?? 0) < d.need);
  while (left > 0 && open.length) {
    const each = Math.max(1, Math.floor(left / open.length));
    for (const d of open) {
      if (left <= 0) break;
      const have = out.get(d.key) ?? 0;
      const give = Math.min(each, d.need - have, left);
      out.set(d.key, have + give);
      left -= give;
    }
    open = open.filter((d) => (out.get(d.key) ?? 0) < d.need);
  }
  return out;
}
