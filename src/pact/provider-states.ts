// Provider states, generic over the model. A read's state finds its data through GETs, the same way
// on any provider; only the local reference provider can also be told how many items a list holds.
// Where writes are allowed on any other provider, the data every read needs is first made once per
// verification through the writes (one arrange of the lifecycle: a few items in each list, attached,
// conversations, processed knowledge), so a brand-new account verifies too, and the reads look at
// those items first. A write's state makes what the write needs, fresh; its teardown undoes what the
// state and the interaction made. Values a real provider makes up (ids, signed PageTokens) are
// returned for fromProviderState.

import { decodeSegment, isRecord, parseProviderJson } from '../json';
import { ModelIndex } from '../model/model';
import { fillPath, type Operation } from '../model/operation';
import type { WriteOperation } from '../model/writes';
import { itemId, pageSizeBounds } from '../rules/invariants';
import type { JournalEntry } from '../run/journal';
import { arrange } from '../run/lifecycle';
import { UNKNOWN_ID } from '../run/plan';
import { finishWrites } from '../run/writes/finish';
import { type WriteSession, widest } from '../run/writes/session';
import { maker, stepOf } from '../run/writes/steps';
import type { Contract } from '../schemas/contract';
import type { HttpTransport } from '../transport/http';

type Params = Record<string, unknown> | undefined;
type Json = Record<string, unknown>;

export class ProviderStateError extends Error {}

/** What the local reference provider lets a state change. */
export interface ResizableProvider {
  setCount(operationId: string, n: number): void;
  resetCounts(): void;
}

export const STATES = {
  listHasItems: 'a list has items',
  itemExists: 'an item exists',
  noItem: 'no item',
  writeReady: 'a write can be made',
} as const;

/** The states of read interactions: with writes allowed, their data is made first (arrangeReads). */
export const READ_STATES: readonly string[] = [STATES.listHasItems, STATES.itemExists, STATES.noItem];

/** A verification that may write: the session its states write through (journal, tag, account). */
export interface StateWrites {
  session: WriteSession;
}

/** Parents tried, at most, to find one with children. */
const PROBES = 5;
/** Items each list gets when the states make the reads' data: a first page of 2 and a next one. */
export const READS_PER_LIST = 3;

/** Finds what a read's state needs through GETs: the verification's own items first, when it made some. */
class Finder {
  constructor(
    private readonly index: ModelIndex,
    private readonly transport: HttpTransport,
    private readonly session?: WriteSession,
  ) {}

  async get(url: string): Promise<Json> {
    const exchange = await this.transport.get(url);
    const status = exchange.response?.status;
    if (status !== 200)
      throw new ProviderStateError(`GET ${url} answered ${status ?? exchange.error?.message}`);
    const parsed = parseProviderJson(exchange.response?.body ?? '');
    if (!parsed.ok || !isRecord(parsed.value)) throw new ProviderStateError(`GET ${url}: not a JSON object`);
    return parsed.value;
  }

  itemsOf(op: Operation, page: Json): unknown[] {
    const items = page[op.itemsKey ?? ''];
    return Array.isArray(items) ? items : [];
  }

  /** The ids a list shows (by `field`), those the verification made first, in the order it made them. */
  async idsIn(list: Operation, values: Record<string, string>, field: string): Promise<string[]> {
    const own = this.session?.mine.get(list.id) ?? [];
    const page = await this.get(own.length ? widest(list, values) : fillPath(list.path, values));
    const ids = this.itemsOf(list, page).flatMap((it) => itemId(it, field) ?? []);
    const mine = own.filter((id) => ids.includes(id));
    return [...mine, ...ids.filter((id) => !mine.includes(id))];
  }

  /** Path values for an operation: each parameter from the first item of the list that supplies it (a list with items, when there is one). */
  async valuesFor(op: Operation, wantItems: boolean): Promise<Record<string, string>> {
    const last = op.pathParams.at(-1);
    if (!last) return {};
    const parent = last.from ? this.index.get(last.from.operation) : undefined;
    if (!parent || !last.from) throw new ProviderStateError(`${op.path}: no list supplies {${last.name}}`);
    const parentValues = await this.valuesFor(parent, true);
    const ids = await this.idsIn(parent, parentValues, last.from.field);
    if (ids.length === 0)
      throw new ProviderStateError(`${parent.path} lists no item to read ${op.path} under`);
    if (!wantItems || op.kind !== 'list') return { ...parentValues, [last.name]: ids[0] as string };
    for (const id of ids.slice(0, PROBES)) {
      const values = { ...parentValues, [last.name]: id };
      if (this.itemsOf(op, await this.get(fillPath(op.path, values))).length) return values;
    }
    return { ...parentValues, [last.name]: ids[0] as string };
  }

  /** The last page of a list at some PageSize, reached by following next_page_url (page ≥ 1). */
  async lastPage(op: Operation, path: string): Promise<Json> {
    const b = pageSizeBounds(op);
    if (!b) return { path };
    let page = await this.get(`${path}?${b.name}=${b.max}`);
    let total = this.itemsOf(op, page).length;
    let lastNext: string | undefined;
    for (let walked = 0; isRecord(page.meta) && typeof page.meta.next_page_url === 'string'; walked++) {
      if (walked > 50) throw new ProviderStateError(`${path}: no last page within 50 pages`);
      lastNext = page.meta.next_page_url;
      page = await this.get(lastNext);
      total += this.itemsOf(op, page).length;
    }
    if (!lastNext) {
      if (total < 2)
        throw new ProviderStateError(`${path} needs at least 2 items for a next page, it has ${total}`);
      const first = await this.get(`${path}?${b.name}=${Math.ceil(total / 2)}`);
      lastNext = isRecord(first.meta) ? String(first.meta.next_page_url) : '';
    }
    const q = new URL(lastNext, this.transport.baseUrl).searchParams;
    return { path, pageSize: q.get(b.name), page: q.get('Page'), pageToken: q.get('PageToken') };
  }
}

const arranged = new WeakMap<WriteSession, Promise<string | undefined>>();

/**
 * The data every read needs, made once per verification through the session's writes (what the
 * writes do not exercise: only arranged). Resolves to what went wrong making it, if anything.
 */
export function arrangeReads(s: WriteSession): Promise<string | undefined> {
  let made = arranged.get(s);
  if (!made) {
    const from = s.observations.length;
    // What processing fills (a knowledge source's chunks) is waited for too: the reads need it.
    made = arrange(s, { perList: READS_PER_LIST, operations: [] }).then(async (arranged) => {
      await arranged.settled;
      const refused = s.observations
        .slice(from)
        .find((o) => !o.write.success.includes(o.exchange.response?.status ?? 0));
      if (refused) {
        const json = isRecord(refused.json) ? refused.json : {};
        const why = refused.exchange.response?.status ?? refused.exchange.error?.message;
        return `${refused.write.id} answered ${why}${json.message ? `: ${String(json.message)}` : ''}`;
      }
      return s.stopped;
    });
    arranged.set(s, made);
  }
  return made;
}

/** New names for the items a write names and makes (a conversation), each carrying the run's tag. */
function newNames(s: WriteSession, w: WriteOperation): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of w.effect.names ?? [])
    if (w.request?.properties?.[n.field])
      out[n.field] = `${s.tag}-${n.field}-pact-${s.journal.entries.length}`.slice(0, 64);
  return out;
}

/**
 * Items a finish removed (proven gone) are no longer the run's own, nor what was made under them (a
 * conversation of a removed assistant, which no operation removes): a later write naming them is
 * refused, and the next arrangement does not build on them.
 */
function forgetRemoved(s: WriteSession, entries: readonly JournalEntry[]): void {
  const key = (e: JournalEntry) => `${e.undo?.method} ${e.undo?.path}`;
  const undone = new Set(entries.filter((e) => e.kind === 'undone').map(key));
  const made = entries.filter((e) => e.kind === 'made' && e.id !== undefined && e.list !== undefined);
  const removed = new Set(made.filter((e) => e.undo && undone.has(key(e))).map((e) => e.id as string));
  const under = (e: JournalEntry) => (e.path ?? '').split('/').some((seg) => removed.has(decodeSegment(seg)));
  for (const e of made)
    if (removed.has(e.id as string) || under(e)) s.forget(e.list as string, e.id as string);
}

/**
 * A write interaction: what it needs is made through the API (journalled, tagged) and its path and
 * the body fields it refers to returned; afterwards what the state and the interaction made is undone.
 */
function writeReadyState(contract: Contract, local?: ResizableProvider, writes?: StateWrites) {
  let since = 0;
  return {
    setup: async (params: Params) => {
      if (!writes)
        throw new ProviderStateError('write interactions need writes allowed (--writes <AccountSid>)');
      const s = writes.session;
      const w = contract.writes.find((x) => x.id === String(params?.operation));
      if (!w) throw new ProviderStateError(`no write ${String(params?.operation)} in the model`);
      if (local) local.resetCounts();
      since = s.journal.entries.length;
      const needs = await stepOf(w).arrange(s, w, maker, true);
      if (!needs) throw new ProviderStateError(`${w.id}: what it needs could not be made`);
      return { path: fillPath(w.path, needs.values), tag: s.tag, ...newNames(s, w), ...needs.supplied };
    },
    teardown: async () => {
      if (!writes) return;
      const s = writes.session;
      const entries = () => s.journal.entries.slice(since);
      await finishWrites({ contract, transport: s.o.cleanup, journal: s.journal, entries, final: false });
      forgetRemoved(s, entries());
    },
  };
}

export function stateHandlers(
  contract: Contract,
  transport: HttpTransport,
  local?: ResizableProvider,
  writes?: StateWrites,
) {
  const index = new ModelIndex(contract.model);
  const find = new Finder(index, transport, local ? undefined : writes?.session);
  const opOf = (params: Params): Operation => {
    const op = index.get(String(params?.operation));
    if (!op) throw new ProviderStateError(`no operation ${String(params?.operation)} in the model`);
    return op;
  };
  /** A read's state: its data made first where writes allowed it (local: resized instead). */
  const read =
    (state: (op: Operation, params: Params) => Promise<Json>) =>
    async (params: Params): Promise<Json> => {
      const op = opOf(params);
      const trouble = writes && !local ? await arrangeReads(writes.session) : undefined;
      try {
        return await state(op, params);
      } catch (error) {
        if (!trouble || !(error instanceof ProviderStateError)) throw error;
        throw new ProviderStateError(`${error.message} (making the reads' data: ${trouble})`);
      }
    };

  return {
    [STATES.writeReady]: writeReadyState(contract, local, writes),
    [STATES.listHasItems]: read(async (op, params) => {
      if (local && typeof params?.count === 'number') local.setCount(op.id, params.count);
      return find.lastPage(op, fillPath(op.path, await find.valuesFor(op, true)));
    }),
    [STATES.itemExists]: read(async (op) => {
      if (local) local.resetCounts();
      return { path: fillPath(op.path, await find.valuesFor(op, false)) };
    }),
    [STATES.noItem]: read(async (op) => {
      if (local) local.resetCounts();
      const last = op.pathParams.at(-1)?.name;
      const values = last ? { ...(await find.valuesFor(op, false)), [last]: UNKNOWN_ID } : {};
      return { path: fillPath(op.path, values) };
    }),
  };
}
