// Where a nested list is read when it is empty under every parent tried: a run that writes reads
// under the parents it made first, and those hold nothing it could not make there (no create of the
// spec makes such an item). The list is then read under the other items its parent's list gave, then
// under its parent's list read beneath other parents, and so on up: the items already there are read
// as a read-only run reads them. Bounded: WIDER_READS default pages at most for one list.

import { fillPath, type Operation } from '../model/operation';
import { itemId } from '../rules/invariants';
import { PARENT_PROBES, readsOf } from './plan-data';
import type { Candidate, ListState, PlanState } from './plan-state';

/** Default pages read, at most, to find one nested list's items under other parents. */
const WIDER_READS = 48;

const key = (values: Record<string, string>) => JSON.stringify(values);

/** The first page of `op` with items under parents other than those `tried`, if any is found. */
export async function wider(
  plan: PlanState,
  op: Operation,
  tried: readonly Candidate[],
): Promise<ListState | undefined> {
  const budget = { reads: WIDER_READS };
  for await (const state of otherStates(plan, op, new Set(tried.map((t) => key(t.values))), budget))
    return state;
  return undefined;
}

/**
 * Pages of a list with items, under path values not in `skip`: a few of its remaining candidates
 * first, then under the items of its parent's other pages (recursively), while the budget lasts.
 */
async function* otherStates(
  plan: PlanState,
  op: Operation,
  skip: Set<string>,
  budget: { reads: number },
): AsyncGenerator<ListState> {
  const under = (cs: readonly Candidate[]) => pages(plan, op, cs, skip, budget);
  // Siblings of the parents tried are alike (all the run's, as often as not): a few, then further up.
  yield* under(
    plan
      .candidates(op)
      .filter((c) => !skip.has(key(c.values)))
      .slice(0, PARENT_PROBES),
  );
  const last = op.pathParams.at(-1);
  const parent = last?.from ? plan.index.get(last.from.operation) : undefined;
  const at = parent ? plan.lists.get(parent.id) : undefined;
  if (!last?.from || !parent?.pathParams.length || parent.kind !== 'list' || !at) return;
  const field = last.from.field;
  for await (const p of otherStates(plan, parent, new Set([key(at.values)]), budget)) {
    const tries = p.items.flatMap((item) => {
      const id = itemId(item, field);
      return id === undefined ? [] : [{ values: { ...p.values, [last.name]: id } }];
    });
    yield* under(tries.slice(0, PARENT_PROBES));
  }
}

/** The list's default page under each candidate not skipped (each then skipped), those with items. */
async function* pages(
  plan: PlanState,
  op: Operation,
  candidates: readonly Candidate[],
  skip: Set<string>,
  budget: { reads: number },
): AsyncGenerator<ListState> {
  const read = readsOf(op).find((r) => r.kind === 'default');
  if (!read) return;
  for (const c of candidates) {
    if (skip.has(key(c.values))) continue;
    if (budget.reads-- <= 0) return;
    skip.add(key(c.values));
    const page = await plan.observe(read.scenario, op, fillPath(op.path, c.values), read.expect);
    const items = plan.itemsOf(op, page);
    if (items.length) yield { values: c.values, items };
  }
}
