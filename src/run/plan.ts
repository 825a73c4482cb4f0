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
import { invalidPageSizes, pageSizeBounds } from '../rules/invariants';
import type { Observation } from '../rules/rule';
import type { WriteObservation as WriteCheck } from '../rules/writes/observation';
import type { Contract } from '../schemas/contract';
import type { RecordedRequest } from '../transport/cassette';
import type { HttpTransport } from '../transport/http';
import { judgeRecorded } from './plan-recorded';
import { type Candidate, type ListState, type PlanOptions, PlanState, UNKNOWN_ID } from './plan-state';

export { type ListState, type PlanOptions, UNKNOWN_ID } from './plan-state';

/** Small enough that a few items span pages, so next_page_url is exercised. */
export const SMALL_PAGE_SIZE = 2;
/** Parents tried, at most, to find one whose nested list has items. */
export const PARENT_PROBES = 4;

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
 * Parents first: operations run in waves, a wave holding those whose supplying lists are read;
 * within a wave, up to `concurrency` operations at once (each one's requests in sequence). An
 * operation is read when it is wanted or when a wanted one is nested under it.
 */
async function inWaves(plan: PlanState, read: (op: Operation) => Promise<void>): Promise<void> {
  const { contract, index } = plan;
  const needed = (op: Operation): boolean =>
    plan.wanted(op) || contract.operations.some((o) => index.parentsOf(o).includes(op) && needed(o));
  let pending = contract.operations.filter(needed);
  const done = new Set<Operation>();
  while (pending.length) {
    let wave = pending.filter((op) => index.parentsOf(op).every((p) => done.has(p) || !pending.includes(p)));
    if (wave.length === 0) wave = pending.slice(0, 1);
    await mapLimit(wave, plan.options.concurrency ?? 1, read);
    for (const op of wave) done.add(op);
    pending = pending.filter((op) => !wave.includes(op));
  }
}

/** One operation's requests: its reads under the path values found, then an unknown id and no credentials. */
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
  if (op.kind === 'list') await planList(plan, op, tries);
  else if (tries[0]) await planInstance(plan, op, tries[0]);
  if (!plan.wanted(op)) return;
  const values = plan.lists.get(op.id)?.values ?? tries[0]?.values;
  if (op.pathParams.length && values) {
    const last = op.pathParams.at(-1)?.name as string;
    await plan.observe('unknown-id', op, fillPath(op.path, { ...values, [last]: UNKNOWN_ID }), {
      status: 404,
      body: 'error',
    });
  }
  if (values || op.pathParams.length === 0)
    await plan.observe(
      'no-auth',
      op,
      fillPath(op.path, values ?? {}),
      { status: 401, body: 'error' },
      {},
      false,
    );
}

/**
 * A list: its default page under each candidate parent until one has items; then, when the list
 * takes a PageSize, a small page, the next one, and PageSize values just outside its bounds.
 */
async function planList(plan: PlanState, op: Operation, tries: Candidate[]): Promise<void> {
  let chosen: ListState | undefined;
  for (const t of tries) {
    const first = await plan.observe('list-default', op, fillPath(op.path, t.values), {
      status: 200,
      body: 'list',
    });
    const items = plan.itemsOf(op, first);
    chosen ??= { values: t.values, items };
    if (items.length) {
      chosen = { values: t.values, items };
      break;
    }
  }
  if (!chosen) return;
  plan.lists.set(op.id, chosen);
  if (!plan.wanted(op)) return;
  const path = fillPath(op.path, chosen.values);
  const bounds = pageSizeBounds(op);
  if (!bounds) return;
  const small = String(Math.max(bounds.min, SMALL_PAGE_SIZE));
  const sized = await plan.observe(
    'list-sized',
    op,
    `${path}?${bounds.name}=${small}`,
    { status: 200, body: 'list' },
    { pageSize: small },
  );
  // The next page link, through the list's envelope (meta.next_page_url; API v2010's next_page_uri).
  const next = isRecord(sized.json) ? pageView(op, sized.json).get('next') : undefined;
  if (typeof next === 'string' && next !== '') {
    await plan.observe('list-next', op, next, { status: 200, body: 'list' }, { pageSize: small });
  }
  for (const size of invalidPageSizes(bounds)) {
    await plan.observe(
      `list-page-size-invalid-${size}`,
      op,
      `${path}?${bounds.name}=${encodeURIComponent(size)}`,
      { status: 400, body: 'error' },
      { pageSize: size },
    );
  }
}

/** A fetch of a listed item, compared with its list entry. */
async function planInstance(plan: PlanState, op: Operation, t: Candidate): Promise<void> {
  const last = op.pathParams.at(-1);
  const paired = op.pairsWith !== undefined && last?.from?.operation === op.pairsWith;
  // An id known in advance (a hint) is compared with its entry when a page the run read lists it.
  const entry = paired
    ? (t.entry ?? plan.listedEntry(op.pairsWith as string, t.values[last?.name ?? '']))
    : undefined;
  await plan.observe(
    'fetch-listed',
    op,
    fillPath(op.path, t.values),
    { status: 200, body: 'instance' },
    entry !== undefined ? { listEntry: entry } : {},
  );
}
