// The requests a conformance run makes, for every operation of the model, parents first: each list
// (default page, a small page and the next one, PageSize just outside its bounds, an unknown parent,
// no credentials) and each fetch (a listed item, an unknown id, no credentials). Later requests use
// what earlier ones learnt (listed ids, next_page_url), so the same plan works on any account; a
// nested list is read under a parent that has children when the provider has any.
// What it has read so far is src/run/plan-state.ts; a recording's own traffic is judged by
// src/run/plan-recorded.ts.

import { mapLimit } from '../concurrency';
import { isRecord } from '../json';
import { fillPath, type Operation } from '../model/operation';
import { pageView } from '../model/twilio-conventions';
import { pageSizeBounds } from '../rules/invariants';
import type { Observation } from '../rules/rule';
import type { WriteObservation as WriteCheck } from '../rules/writes/observation';
import type { Contract } from '../schemas/contract';
import type { RecordedRequest } from '../transport/cassette';
import type { HttpTransport } from '../transport/http';
import { PARENT_PROBES, type PlannedRead, readsOf, waves } from './plan-data';
import { judgeRecorded } from './plan-recorded';
import { type Candidate, type ListState, type PlanOptions, PlanState, UNKNOWN_ID } from './plan-state';
import { wider } from './plan-wider';

export { PARENT_PROBES, SMALL_PAGE_SIZE } from './plan-data';
export { type ListState, type PlanOptions, UNKNOWN_ID } from './plan-state';

export interface PlanResult {
  observations: Observation[];
  lists: Map<string, ListState>;
  /** Operations the plan could not reach, with why. */
  unreached: Map<string, string>;
  /** Recorded requests that map to no operation of the model. */
  unmapped: RecordedRequest[];
  /** Recorded writes, replayed and judged as traffic. */
  writes: WriteCheck[];
}

export async function runPlan(
  transport: HttpTransport,
  contract: Contract,
  options: PlanOptions = {},
): Promise<PlanResult> {
  const plan = new PlanState(transport, contract, options);
  await inWaves(plan, (op) => planOperation(plan, op));
  const unmapped = await judgeRecorded(plan);
  // Operations read only to reach a wanted one are not reported.
  const { lists, unreached, writes } = plan;
  return { observations: plan.observations(), lists, unreached, unmapped, writes };
}

/**
 * Parents first: operations run in waves (plan-data.ts), a wave holding those whose supplying lists
 * are read; within a wave, up to `concurrency` operations at once (each one's requests in sequence).
 * An operation is read when it is wanted or when a wanted one is nested under it.
 */
async function inWaves(plan: PlanState, read: (op: Operation) => Promise<void>): Promise<void> {
  const { contract, index } = plan;
  const needed = (op: Operation): boolean =>
    plan.wanted(op) || contract.operations.some((o) => index.parentsOf(o).includes(op) && needed(o));
  for (const wave of waves(contract.operations.filter(needed), index))
    await mapLimit(wave, plan.options.concurrency ?? 1, read);
}

/** One operation's planned reads (plan-data.ts), in order, under the path values found. */
async function planOperation(plan: PlanState, op: Operation): Promise<void> {
  await plan.options.ready?.(op);
  if (op.pathParams.length > 0 && plan.candidates(op).length === 0) {
    const parent = plan.index.parentsOf(op).at(-1);
    plan.unreached.set(
      op.id,
      parent
        ? `no item of ${parent.method} ${parent.path} to read it under`
        : 'no value for its path parameters',
    );
  }
  const tries = op.pathParams.length
    ? plan.candidates(op).slice(0, op.kind === 'list' ? PARENT_PROBES : 1)
    : [{ values: {} }];
  let sized: Observation | undefined;
  for (const r of readsOf(op)) {
    if (r.reported && !plan.wanted(op)) continue;
    const values = plan.lists.get(op.id)?.values ?? tries[0]?.values;
    if (r.kind === 'default') await readDefault(plan, op, tries, r);
    else if (r.kind === 'fetch' && tries[0]) await readListed(plan, op, tries[0], r);
    else if (values && r.kind === 'next') sized = await readNext(plan, op, sized, r);
    else if (values || (r.kind === 'no-auth' && op.pathParams.length === 0)) {
      const o = await plan.observe(
        r.scenario,
        op,
        urlOf(op, values ?? {}, r),
        r.expect,
        pageSizeOf(r),
        r.kind !== 'no-auth',
      );
      if (r.kind === 'sized') sized = o;
    }
  }
}

const pageSizeOf = (r: PlannedRead) => (r.pageSize !== undefined ? { pageSize: r.pageSize } : {});

/** The address of a planned read under these path values. */
function urlOf(op: Operation, values: Record<string, string>, r: PlannedRead): string {
  if (r.kind === 'unknown-id') {
    const last = op.pathParams.at(-1)?.name as string;
    return fillPath(op.path, { ...values, [last]: UNKNOWN_ID });
  }
  const path = fillPath(op.path, values);
  const name = pageSizeBounds(op)?.name;
  return r.pageSize !== undefined && name ? `${path}?${name}=${encodeURIComponent(r.pageSize)}` : path;
}

/**
 * A list's default page under each candidate parent, until one has items: where the rest of its reads
 * go. When none has any (the parents a run that writes made hold nothing it could make there), other
 * parents (plan-wider.ts).
 */
async function readDefault(
  plan: PlanState,
  op: Operation,
  tries: Candidate[],
  r: PlannedRead,
): Promise<void> {
  let chosen = await firstWithItems(plan, op, tries, r);
  if (chosen && chosen.items.length === 0) chosen = (await wider(plan, op, tries)) ?? chosen;
  if (chosen) plan.lists.set(op.id, chosen);
}

/** The default page under each of these path values in turn, until one has items (else the first). */
async function firstWithItems(
  plan: PlanState,
  op: Operation,
  tries: Candidate[],
  r: PlannedRead,
): Promise<ListState | undefined> {
  let chosen: ListState | undefined;
  for (const t of tries) {
    const first = await plan.observe(r.scenario, op, fillPath(op.path, t.values), r.expect);
    const items = plan.itemsOf(op, first);
    chosen ??= { values: t.values, items };
    if (items.length) return { values: t.values, items };
  }
  return chosen;
}

/** The next page, by the link the small page gave (through the list's envelope: v2010's next_page_uri). */
async function readNext(plan: PlanState, op: Operation, sized: Observation | undefined, r: PlannedRead) {
  const next = sized && isRecord(sized.json) ? pageView(op, sized.json).get('next') : undefined;
  if (typeof next === 'string' && next !== '')
    await plan.observe(r.scenario, op, next, r.expect, pageSizeOf(r));
  return sized;
}

/** A fetch of a listed item, compared with its list entry. */
async function readListed(plan: PlanState, op: Operation, t: Candidate, r: PlannedRead): Promise<void> {
  const last = op.pathParams.at(-1);
  const paired = op.pairsWith !== undefined && last?.from?.operation === op.pairsWith;
  // An id known in advance (a hint) is compared with its entry when a page the run read lists it.
  const entry = paired
    ? (t.entry ?? plan.listedEntry(op.pairsWith as string, t.values[last?.name ?? '']))
    : undefined;
  await plan.observe(
    r.scenario,
    op,
    fillPath(op.path, t.values),
    r.expect,
    entry !== undefined ? { listEntry: entry } : {},
  );
}
