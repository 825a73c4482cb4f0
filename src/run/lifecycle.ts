// A run that writes arranges, on the target, what every read needs to be judged — items on enough
// pages to paginate, a parent with items attached, conversations, processed items — and exercises
// every write: each action once more on fresh items of its own (a delete, a detach, an update read
// before and after), every refusal. Everything goes through the write steps (src/run/writes/): a
// create, an attach, a send are shapes, and only the run's own items are ever touched.

import { mapLimit } from '../concurrency';
import { isRecord } from '../json';
import { type Operation, tryFillPath } from '../model/operation';
import type { WriteOperation } from '../model/writes';
import { processedChildren } from '../model/writes';
import type { WriteObservation } from '../rules/writes/observation';
import { REFUSALS, type RefusalScenario, refuse } from './writes/refusals';
import { type WriteSession, WriteStopped } from './writes/session';
import { ownedValues } from './writes/step';
import { attach, create, detach, maker, remove, send, update } from './writes/steps';

/** The smallest PageSize the run's plan walks is 2: five items make three pages. */
export const DEFAULT_PER_LIST = 5;

export interface ArrangeOptions {
  /** Items each list gets: enough for three pages at the smallest PageSize the run walks. */
  perList?: number;
  /** Writes the run reports (all when absent): only these are exercised; arranging serves every read. */
  operations?: readonly string[];
  /**
   * The updates are left to `updates()`, for the caller to send once its reads are judged: an update
   * must move its item's updated date on, which has whole seconds, so an update sent within the
   * second its item was made waits for the next one — by then it no longer has to.
   */
  deferUpdates?: boolean;
  /** The refusals sent (all when absent): a run narrowed by --only sends those its rules judge. */
  refusals?: (scenario: RefusalScenario) => boolean;
}

export interface Arranged {
  /** Path values for a read operation: the items the run arranged under it. */
  hints(op: Operation): Array<Record<string, string>>;
  /** Resolves when what processing fills under the run's items is filled (or its bound has passed). */
  ready(op: Operation): Promise<void>;
  /** Resolves when nothing the arrangement started is still going. */
  settled: Promise<void>;
  /** The updates, when deferred (deferUpdates); else nothing. Quiet when writing has stopped. */
  updates(): Promise<void>;
}

const byAction = (s: WriteSession, action: WriteOperation['action'], top?: boolean) =>
  s.writes.filter((w) => w.action === action && (top === undefined || (w.pathParams.length === 0) === top));

/**
 * Steps taken side by side where their order does not matter (lists; a list's own items and a
 * conversation's own turns in order). Their writes still leave one at a time (the session's lane);
 * what overlaps is the reads that judge them.
 */
const AT_ONCE = 4;

/** 1. Enough items in each top-level list to paginate, each create's first read back (fetch, list). */
async function createTop(s: WriteSession, perList: number): Promise<Map<string, WriteObservation>> {
  const firsts = new Map<string, WriteObservation>();
  await mapLimit(byAction(s, 'create', true), AT_ONCE, async (w) => {
    const optional = (w.effect.alsoCreates ?? []).map((a) => a.field);
    for (let k = 0; k < perList; k++) {
      const needs = { values: {}, supplied: {} };
      const obs = await create.act(s, w, needs, { seed: s.o.seed + k, optional });
      if (k > 0) continue;
      firsts.set(w.id, obs);
      await create.judge(s, obs, needs);
    }
  });
  return firsts;
}

/** 2. Every arranged item attached to the first arranged parent; the last one read back. */
async function attachAll(s: WriteSession): Promise<void> {
  await mapLimit(byAction(s, 'attach'), AT_ONCE, async (w) => {
    let last: { obs: WriteObservation; values: Record<string, string> } | undefined;
    for (const item of s.mine.get(w.effect.item ?? '') ?? []) {
      const values = ownedValues(s, w, item);
      if (!values) break;
      last = { obs: await attach.act(s, w, { values, supplied: {} }), values };
    }
    if (last) await attach.judge(s, last.obs, { values: last.values, supplied: {} });
  });
}

/** 3. Conversations with the first arranged parent, each named by the run; more turns in the first. */
async function sendAll(s: WriteSession, perList: number, seen: Map<string, string[]>): Promise<void> {
  for (const w of byAction(s, 'send')) {
    const values = ownedValues(s, w);
    if (!values) continue;
    // A conversation's turns in order, conversations side by side; the first has more turns.
    const turns = (c: number) => (c === 0 ? 1 + Math.ceil(perList / 2) : 1);
    await mapLimit([...Array(perList).keys()], AT_ONCE, async (c) => {
      for (let t = 0; t < turns(c); t++) {
        const obs = await send.act(
          s,
          w,
          { values, supplied: {} },
          { seed: s.o.seed + 100 + c + t * perList, conversation: c },
        );
        if (c === 0 && t === 0) await send.judge(s, obs);
      }
    });
    // What a conversation holds (its messages) can be read by id too.
    for (const n of w.effect.names ?? []) {
      const children = s.reads.get(n.children ?? '');
      const param = children?.pathParams.find((p) => p.from?.operation === n.list);
      const id = s.first(n.list);
      if (!children?.idField || !param || id === undefined) continue;
      const path = tryFillPath(children.path, { [param.name]: id });
      if (!path) continue;
      const r = await s.read(path);
      const items = isRecord(r.json) ? r.json[children.itemsKey ?? ''] : undefined;
      const ids = (Array.isArray(items) ? items : []).flatMap((it) =>
        isRecord(it) ? [String(it[children.idField ?? ''])] : [],
      );
      seen.set(children.id, ids);
    }
  }
}

/** 4. Creates under a parent (feedback on a conversation), once what they refer to exists. */
async function createNested(s: WriteSession, perList: number): Promise<void> {
  await mapLimit(byAction(s, 'create', false), AT_ONCE, async (w) => {
    const needs = await create.arrange(s, w, maker);
    if (!needs) return;
    for (let k = 0; k < perList; k++) {
      const obs = await create.act(s, w, needs, { seed: s.o.seed + 200 + k });
      if (k === 0) await create.judge(s, obs, needs);
    }
  });
}

/** 5. Items processed asynchronously (a knowledge source): the first of each waited for, its lists filled. */
async function awaitProcessing(s: WriteSession, firsts: Map<string, WriteObservation>): Promise<void> {
  const bound = Date.now() + (s.o.processingBoundMs ?? 30_000);
  await Promise.all(
    [...firsts.values()].map(async (obs) => {
      const list = s.reads.get(obs.write.effect.list ?? '');
      const children = list ? processedChildren(s.contract.model, list) : [];
      if (!list || children.length === 0) return;
      await create.judge(s, obs, { values: {}, supplied: {} }, true);
      const parent = s.first(list.id);
      if (parent === undefined) return;
      for (const child of children) await filled(s, child, parent, bound);
    }),
  );
}

/** Polls a list nested under `parent` until it shows an item, it fails, or the bound passes. */
async function filled(s: WriteSession, child: Operation, parent: string, bound: number): Promise<void> {
  const param = child.pathParams.at(-1)?.name ?? '';
  for (let wait = Math.min(50, s.o.pollMs ?? 500); ; wait = Math.min(wait * 2, s.o.pollMs ?? 500)) {
    const path = tryFillPath(child.path, { [param]: parent });
    if (!path) return;
    const r = await s.read(path);
    const items = isRecord(r.json) ? r.json[child.itemsKey ?? ''] : undefined;
    if (r.status !== 200 || (Array.isArray(items) && items.length > 0) || Date.now() >= bound) return;
    await new Promise((res) => setTimeout(res, wait));
  }
}

/** The lists processing fills under the lists the run created items in. */
const processedLists = (s: WriteSession): Set<string> =>
  new Set(
    [...s.reads.values()].flatMap((list) => processedChildren(s.contract.model, list).map((c) => c.id)),
  );

/**
 * 6a. Each update on the first arranged item, read before and after, one after another: another update
 * (a tool attached to the assistant) would show in that item's fetch.
 */
async function updateAll(s: WriteSession, wanted: (w: WriteOperation) => boolean): Promise<void> {
  for (const w of byAction(s, 'update').filter(wanted)) {
    const values = ownedValues(s, w);
    if (!values) continue;
    const obs = await update.act(s, w, { values, supplied: {} });
    await update.judge(s, obs, { values, supplied: {} });
  }
}

/** 6b. Deletes and detaches on fresh items (side by side), then every refusal; the updates too unless deferred. */
async function exercise(
  s: WriteSession,
  wanted: (w: WriteOperation) => boolean,
  o: { updates: boolean; refusals?: ((scenario: RefusalScenario) => boolean) | undefined },
): Promise<void> {
  const { updates, refusals } = o;
  const removals = mapLimit(
    [...byAction(s, 'delete'), ...byAction(s, 'detach')].filter(wanted),
    AT_ONCE,
    async (w) => {
      const step = w.action === 'delete' ? remove : detach;
      const needs = await step.arrange(s, w, maker, true);
      if (!needs) return;
      await step.judge(s, await step.act(s, w, needs), needs);
    },
  );
  await Promise.all([updates ? updateAll(s, wanted) : undefined, removals]);
  // Refusals change nothing the run needs: side by side, a few at a time; none that no rule judges.
  if (refusals && !REFUSALS.some(refusals)) return;
  await mapLimit(s.writes.filter(wanted), AT_ONCE, async (w) => {
    const values = ownedValues(s, w);
    if (!values) return;
    const needs = await create.arrange(s, w, maker);
    await refuse(s, w, { values, supplied: needs?.supplied ?? {} }, refusals);
  });
}

/**
 * Arranges what every read needs and exercises every write; stops early (quietly) when writing stops.
 * What processing fills is waited for meanwhile: a read of it waits on `ready`.
 */
export async function arrange(s: WriteSession, o: ArrangeOptions = {}): Promise<Arranged> {
  const perList = o.perList ?? DEFAULT_PER_LIST;
  const seen = new Map<string, string[]>();
  const wanted = (w: WriteOperation) => !o.operations || o.operations.includes(w.id);
  let processed: Promise<void> = Promise.resolve();
  const stoppedQuietly = (error: unknown) => {
    if (!(error instanceof WriteStopped)) throw error;
  };
  try {
    const firsts = await createTop(s, perList);
    // Swallowed here, so that a rejection is never left unhandled; what it read is judged as evidence.
    processed = awaitProcessing(s, firsts).catch(() => {});
    await attachAll(s);
    await sendAll(s, perList, seen);
    await createNested(s, perList);
    await exercise(s, wanted, { updates: !o.deferUpdates, refusals: o.refusals });
  } catch (error) {
    stoppedQuietly(error);
  }
  const gated = processedLists(s);
  const first = (list: string | undefined) => (list ? (s.first(list) ?? seen.get(list)?.[0]) : undefined);
  return {
    hints: (op) => {
      // The run's first item of the last list, under the parents it was made under.
      const last = op.pathParams.at(-1)?.from?.operation;
      const id = s.holdsAccounts(last) ? s.parent(last) : first(last);
      const values = id === undefined ? undefined : s.lineage(op.pathParams, id);
      if (values && op.pathParams.every((p) => values[p.name] !== undefined)) return [values];
      const loose: Record<string, string> = {};
      for (const p of op.pathParams) {
        const v = first(p.from?.operation);
        if (v === undefined) return [];
        loose[p.name] = v;
      }
      return op.pathParams.length ? [loose] : [];
    },
    ready: (op) => (gated.has(op.id) ? processed : Promise.resolve()),
    settled: processed,
    updates: () => (o.deferUpdates ? updateAll(s, wanted).catch(stoppedQuietly) : Promise.resolve()),
  };
}
