// Provider states, generic over the model and satisfied the same way on any provider: by reading
// existing data through the GET-only transport. Only the local reference provider can also be told
// how many items a list holds. Values a real provider makes up (ids, signed PageTokens) are returned
// for fromProviderState.

import { isRecord, parseProviderJson } from '../json';
import { fillPath, ModelIndex, type Operation } from '../model/operation';
import { itemId, pageSizeBounds } from '../rules/invariants';
import { UNKNOWN_ID } from '../run/plan';
import { finishWrites } from '../run/writes/finish';
import type { WriteSession } from '../run/writes/session';
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

/** A verification that may write: the session its states write through (journal, tag, account). */
export interface StateWrites {
  session: WriteSession;
}

/** Parents tried, at most, to find one with children. */
const PROBES = 5;

export function stateHandlers(
  contract: Contract,
  transport: HttpTransport,
  local?: ResizableProvider,
  writes?: StateWrites,
) {
  const index = new ModelIndex(contract.model);
  const opOf = (params: Params): Operation => {
    const op = index.get(String(params?.operation));
    if (!op) throw new ProviderStateError(`no operation ${String(params?.operation)} in the model`);
    return op;
  };
  const get = async (url: string): Promise<Json> => {
    const exchange = await transport.get(url);
    const status = exchange.response?.status;
    if (status !== 200)
      throw new ProviderStateError(`GET ${url} answered ${status ?? exchange.error?.message}`);
    const parsed = parseProviderJson(exchange.response?.body ?? '');
    if (!parsed.ok || !isRecord(parsed.value)) throw new ProviderStateError(`GET ${url}: not a JSON object`);
    return parsed.value;
  };
  const itemsOf = (op: Operation, page: Json): unknown[] => {
    const items = page[op.itemsKey ?? ''];
    return Array.isArray(items) ? items : [];
  };

  /** Path values for an operation: each parameter from the first item of the list that supplies it (a list with items, when there is one). */
  const valuesFor = async (op: Operation, wantItems: boolean): Promise<Record<string, string>> => {
    const last = op.pathParams.at(-1);
    if (!last) return {};
    const parent = last.from ? index.get(last.from.operation) : undefined;
    if (!parent || !last.from) throw new ProviderStateError(`${op.path}: no list supplies {${last.name}}`);
    const parentValues = await valuesFor(parent, true);
    const page = await get(fillPath(parent.path, parentValues));
    const ids = itemsOf(parent, page).flatMap((it) => itemId(it, last.from?.field ?? '') ?? []);
    if (ids.length === 0)
      throw new ProviderStateError(`${parent.path} lists no item to read ${op.path} under`);
    if (!wantItems || op.kind !== 'list') return { ...parentValues, [last.name]: ids[0] as string };
    for (const id of ids.slice(0, PROBES)) {
      const values = { ...parentValues, [last.name]: id };
      if (itemsOf(op, await get(fillPath(op.path, values))).length) return values;
    }
    return { ...parentValues, [last.name]: ids[0] as string };
  };

  /** The last page of a list at some PageSize, reached by following next_page_url (page ≥ 1). */
  const lastPage = async (op: Operation, path: string): Promise<Json> => {
    const b = pageSizeBounds(op);
    if (!b) return { path };
    let page = await get(`${path}?${b.name}=${b.max}`);
    let total = itemsOf(op, page).length;
    let lastNext: string | undefined;
    for (let walked = 0; isRecord(page.meta) && typeof page.meta.next_page_url === 'string'; walked++) {
      if (walked > 50) throw new ProviderStateError(`${path}: no last page within 50 pages`);
      lastNext = page.meta.next_page_url;
      page = await get(lastNext);
      total += itemsOf(op, page).length;
    }
    if (!lastNext) {
      if (total < 2)
        throw new ProviderStateError(`${path} needs at least 2 items for a next page, it has ${total}`);
      const first = await get(`${path}?${b.name}=${Math.ceil(total / 2)}`);
      lastNext = isRecord(first.meta) ? String(first.meta.next_page_url) : '';
    }
    const q = new URL(lastNext, transport.baseUrl).searchParams;
    return { path, pageSize: q.get(b.name), page: q.get('Page'), pageToken: q.get('PageToken') };
  };

  /**
   * A write interaction: what it needs is made through the API (journalled, tagged) and its path and
   * the body fields it refers to returned; afterwards what the state and the interaction made is undone.
   */
  let since = 0;
  const writeReady = {
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
      // The interaction's own create is journalled as intended: teardown finds what it made by the tag.
      if (w.action === 'create' || w.action === 'send')
        s.journal.record({ kind: 'intent', write: w.id, path: fillPath(w.path, needs.values) });
      return { path: fillPath(w.path, needs.values), tag: s.tag, ...needs.supplied };
    },
    teardown: async () => {
      if (!writes) return;
      const s = writes.session;
      await finishWrites({
        contract,
        transport: s.o.cleanup,
        journal: s.journal,
        entries: () => s.journal.entries.slice(since),
        final: false,
      });
    },
  };

  return {
    [STATES.writeReady]: writeReady,
    [STATES.listHasItems]: async (params: Params) => {
      const op = opOf(params);
      if (local && typeof params?.count === 'number') local.setCount(op.id, params.count);
      const path = fillPath(op.path, await valuesFor(op, true));
      return lastPage(op, path);
    },
    [STATES.itemExists]: async (params: Params) => {
      const op = opOf(params);
      if (local) local.resetCounts();
      return { path: fillPath(op.path, await valuesFor(op, false)) };
    },
    [STATES.noItem]: async (params: Params) => {
      const op = opOf(params);
      if (local) local.resetCounts();
      const last = op.pathParams.at(-1)?.name;
      const values = last ? { ...(await valuesFor(op, false)), [last]: UNKNOWN_ID } : {};
      return { path: fillPath(op.path, values) };
    },
  };
}
