// The requests a conformance run makes, for every operation of the model, parents first: each list
// (default page, a small page and the next one, PageSize just outside its bounds, an unknown parent,
// no credentials) and each fetch (a listed item, an unknown id, no credentials). Later requests use
// what earlier ones learnt (listed ids, next_page_url), so the same plan works on any account; a
// nested list is read under a parent that has children when the provider has any.

import { mapLimit } from '../concurrency';
import { decodeSegment, isRecord, parseProviderJson } from '../json';
import { ModelIndex } from '../model/model';
import { fillPath, type Operation, pathMatcher } from '../model/operation';
import { pageView } from '../model/twilio-conventions';
import type { WriteOperation } from '../model/writes';
import { invalidPageSizes, itemId, pageSizeBounds } from '../rules/invariants';
import { type BodyRole, type Observation, parseBody } from '../rules/rule';
import type { WriteObservation as WriteCheck } from '../rules/writes/observation';
import type { Contract } from '../schemas/contract';
import type { RecordedRequest } from '../transport/cassette';
import type { HttpTransport } from '../transport/http';

export const UNKNOWN_ID = 'conformance-unknown-id';

/** A recorded or sent request, as the plan compares them: path and query as a URL parses them, and credentials. */
const exchangeKey = (pathOrUrl: string, authenticated: boolean): string => {
  const url = safeUrl(pathOrUrl);
  return `${authenticated}\u0000${url ? `${url.pathname}?${[...url.searchParams].sort().join('&')}` : pathOrUrl}`;
};

function safeUrl(pathOrUrl: string): URL | undefined {
  try {
    return new URL(pathOrUrl, 'https://recorded.invalid');
  } catch {
    return undefined;
  }
}

/** Path values of a filled path, by parameter name (undecodable values kept as sent). */
function pathValues(op: Operation, m: RegExpExecArray | null): Record<string, string> {
  return pathValuesOf(op.pathParams, m);
}

function pathValuesOf(
  params: ReadonlyArray<{ name: string }>,
  m: RegExpExecArray | null,
): Record<string, string> {
  const out: Record<string, string> = {};
  params.forEach((p, k) => {
    out[p.name] = decodeSegment(m?.[k + 1] ?? '');
  });
  return out;
}
/** Small enough that a few items span pages, so next_page_url is exercised. */
export const SMALL_PAGE_SIZE = 2;
/** Parents tried, at most, to find one whose nested list has items. */
export const PARENT_PROBES = 4;

export interface PlanOptions {
  /** Path values known in advance (e.g. TWILIO_SESSION_ID, or ids a cassette holds), by operation id. */
  pathHints?: (op: Operation) => Array<Record<string, string>>;
  /** Operations to run; every operation when absent. */
  operations?: readonly string[];
  /** How many requests may be in flight at once. */
  concurrency?: number;
  /**
   * A recorded target's exchanges (path with query, sent with credentials or not): each one that maps
   * to an operation is judged as traffic, whatever its query or id; one that maps to none is reported.
   */
  recorded?: ReadonlyArray<RecordedRequest>;
  /** Resolves when an operation's data is ready to be read (a run that writes: what processing fills). */
  ready?: (op: Operation) => Promise<void>;
}

/** Where each list was read: its path values and the first items of its default page. */
export interface ListState {
  values: Record<string, string>;
  /** At most KEPT_ITEMS: children are read under PARENT_PROBES of them, not under a page of millions. */
  items: unknown[];
}

const KEPT_ITEMS = 64;

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
  const index = new ModelIndex(contract.model);
  const wanted = (op: Operation) => !options.operations || options.operations.includes(op.id);
  const observations: Observation[] = [];
  const lists = new Map<string, ListState>();
  const unreached = new Map<string, string>();

  // Each operation's observations, kept apart so the result is in model order whatever the scheduling.
  const byOp = new Map<Operation, Observation[]>();
  const observe = async (
    scenario: string,
    op: Operation,
    url: string,
    expect: { status: number; body: BodyRole },
    extra: Partial<Observation> = {},
    authenticate = true,
  ): Promise<Observation> => {
    const exchange = await transport.get(url, { authenticate });
    const o: Observation = { scenario, op, expect, exchange, ...extra };
    parseBody(o);
    const list = byOp.get(op) ?? [];
    list.push(o);
    byOp.set(op, list);
    return o;
  };
  const itemsOf = (op: Operation, o: Observation): unknown[] => {
    const items = isRecord(o.json) && op.itemsKey ? o.json[op.itemsKey] : undefined;
    return o.exchange.response?.status === 200 && Array.isArray(items) ? items.slice(0, KEPT_ITEMS) : [];
  };

  /** Candidate path values for an operation: from the lists that supply its parameters, then hints. */
  const candidates = (op: Operation): Array<{ values: Record<string, string>; entry?: unknown }> => {
    const out: Array<{ values: Record<string, string>; entry?: unknown }> = [];
    const last = op.pathParams.at(-1);
    const from = last?.from ? lists.get(last.from.operation) : undefined;
    if (last?.from && from) {
      for (const item of from.items) {
        const id = itemId(item, last.from.field);
        if (id !== undefined) out.push({ values: { ...from.values, [last.name]: id }, entry: item });
      }
    }
    for (const values of options.pathHints?.(op) ?? [])
      if (op.pathParams.every((p) => values[p.name] !== undefined)) out.unshift({ values });
    return out;
  };

  // Parents first: operations run in waves, a wave holding those whose supplying lists are read;
  // within a wave, up to `concurrency` operations at once (each one's requests in sequence).
  const needed = (op: Operation): boolean =>
    wanted(op) || contract.operations.some((o) => index.parentsOf(o).includes(op) && needed(o));
  let pending = contract.operations.filter(needed);
  const done = new Set<Operation>();
  while (pending.length) {
    let wave = pending.filter((op) => index.parentsOf(op).every((p) => done.has(p) || !pending.includes(p)));
    if (wave.length === 0) wave = pending.slice(0, 1);
    await mapLimit(wave, options.concurrency ?? 1, planOperation);
    for (const op of wave) done.add(op);
    pending = pending.filter((op) => !wave.includes(op));
  }
  const writes: WriteCheck[] = [];
  const unmapped = await judgeRecorded();
  for (const op of contract.operations) observations.push(...(byOp.get(op) ?? []));
  // Operations read only to reach a wanted one are not reported.
  return { observations: observations.filter((o) => wanted(o.op)), lists, unreached, unmapped, writes };

  /**
   * Every recorded exchange the plan did not itself ask for, judged as traffic: the plan's own
   * scenarios (no credentials, an unknown id, PageSize out of bounds) where they were recorded, any
   * other answer as a request the API should serve, a list at whatever PageSize it was read with.
   */
  async function judgeRecorded(): Promise<RecordedRequest[]> {
    const asked = new Set(
      [...byOp.values()]
        .flat()
        .map((o) => exchangeKey(o.exchange.request.url, o.exchange.request.authenticated)),
    );
    const matchers = contract.operations.map((op) => ({ op, re: pathMatcher(op.path) }));
    const unmappedOut: RecordedRequest[] = [];
    const todo: Array<() => Promise<unknown>> = [];
    const writeMatchers = contract.writes.map((w) => ({ w, re: pathMatcher(w.path) }));
    for (const r of options.recorded ?? []) {
      if (r.method !== 'GET') {
        const url = safeUrl(r.path);
        const found = url && writeMatchers.find((m) => m.w.method === r.method && m.re.test(url.pathname));
        if (!url || !found) unmappedOut.push(r);
        else if (!options.operations || options.operations.includes(found.w.id))
          todo.push(() => judgeRecordedWrite(found.w, found.re.exec(url.pathname), r));
        continue;
      }
      const key = exchangeKey(r.path, r.authenticated);
      if (asked.has(key)) continue;
      asked.add(key);
      const url = safeUrl(r.path);
      const found = url && matchers.find((m) => m.re.test(url.pathname));
      if (!url || !found) {
        unmappedOut.push(r);
        continue;
      }
      const { op } = found;
      if (!wanted(op)) continue;
      const values = pathValues(op, found.re.exec(url.pathname));
      const bounds = pageSizeBounds(op);
      const size = bounds ? (url.searchParams.get(bounds.name) ?? undefined) : undefined;
      const sizeOk =
        size === undefined || !bounds || (/^\d+$/.test(size) && +size >= bounds.min && +size <= bounds.max);
      const body = op.kind === 'list' ? 'list' : 'instance';
      const [scenario, expect]: [string, { status: number; body: BodyRole }] = !r.authenticated
        ? ['no-auth', { status: 401, body: 'error' }]
        : Object.values(values).includes(UNKNOWN_ID)
          ? ['unknown-id', { status: 404, body: 'error' }]
          : !sizeOk
            ? [`list-page-size-invalid-${size}`, { status: 400, body: 'error' }]
            : ['recorded', { status: 200, body }];
      const last = op.pathParams.at(-1)?.name;
      const entry =
        op.kind === 'instance' && last && op.pairsWith ? listedEntry(op.pairsWith, values[last]) : undefined;
      todo.push(() =>
        observe(
          scenario,
          op,
          r.path,
          expect,
          {
            ...(size !== undefined ? { pageSize: size } : {}),
            ...(entry !== undefined ? { listEntry: entry } : {}),
          },
          r.authenticated,
        ),
      );
    }
    await mapLimit(todo, options.concurrency ?? 1, (f) => f());
    return unmappedOut;
  }

  /**
   * A recorded write, replayed: no credentials → 401 expected, an unknown id → 404, a recorded 4xx
   * (a body the provider refused) → a refusal with a Twilio error body, any other → a success the
   * spec documents. What it changed cannot be read back from a recording.
   */
  async function judgeRecordedWrite(w: WriteOperation, m: RegExpExecArray | null, r: RecordedRequest) {
    const values = Object.values(pathValuesOf(w.pathParams, m));
    const exchange = await transport.send(r.method, r.path, {
      ...(r.body !== undefined ? { body: r.body } : {}),
      ...(r.authenticated ? {} : { authenticate: false }),
    });
    const status = exchange.response?.status ?? 0;
    const [scenario, expect]: [WriteCheck['scenario'], WriteCheck['expect']] = !r.authenticated
      ? ['no-auth', { statuses: [401], body: 'error' }]
      : values.includes(UNKNOWN_ID)
        ? ['unknown-id', { statuses: [404], body: 'error' }]
        : status >= 400 && status < 500
          ? ['negative', { statuses: [status], body: 'error' }]
          : ['recorded', { statuses: w.success, body: 'success' }];
    const text = exchange.response?.body ?? '';
    const parsed = text.trim() ? parseProviderJson(text) : undefined;
    writes.push({
      scenario,
      write: w,
      exchange,
      expect,
      ...(r.body !== undefined ? { sent: r.body } : {}),
      ...(parsed?.ok ? { json: parsed.value } : parsed ? { jsonError: parsed.error } : {}),
      evidence: {},
    });
  }

  /** The entry of the paired list, in any page the run read, whose id is `id`. */
  function listedEntry(listId: string, id: string | undefined): unknown {
    const list = index.get(listId);
    if (!list?.idField || id === undefined) return undefined;
    for (const o of byOp.get(list) ?? [])
      for (const item of itemsOf(list, o)) if (itemId(item, list.idField) === id) return item;
    return undefined;
  }

  async function planOperation(op: Operation): Promise<void> {
    await options.ready?.(op);
    if (op.pathParams.length > 0 && candidates(op).length === 0) {
      const parent = index.parentsOf(op).at(-1);
      unreached.set(
        op.id,
        parent
          ? `no item of ${parent.method} ${parent.path} to read it under`
          : 'no value for its path parameters',
      );
    }
    const tries = op.pathParams.length
      ? candidates(op).slice(0, op.kind === 'list' ? PARENT_PROBES : 1)
      : [{ values: {} }];
    if (op.kind === 'list') await planList(op, tries);
    else if (tries[0]) await planInstance(op, tries[0]);
    if (!wanted(op)) return;
    const values = lists.get(op.id)?.values ?? tries[0]?.values;
    if (op.pathParams.length && values) {
      const last = op.pathParams.at(-1)?.name as string;
      await observe('unknown-id', op, fillPath(op.path, { ...values, [last]: UNKNOWN_ID }), {
        status: 404,
        body: 'error',
      });
    }
    if (values || op.pathParams.length === 0)
      await observe(
        'no-auth',
        op,
        fillPath(op.path, values ?? {}),
        { status: 401, body: 'error' },
        {},
        false,
      );
  }

  async function planList(op: Operation, tries: Array<{ values: Record<string, string> }>): Promise<void> {
    let chosen: ListState | undefined;
    for (const t of tries) {
      const first = await observe('list-default', op, fillPath(op.path, t.values), {
        status: 200,
        body: 'list',
      });
      const items = itemsOf(op, first);
      chosen ??= { values: t.values, items };
      if (items.length) {
        chosen = { values: t.values, items };
        break;
      }
    }
    if (!chosen) return;
    lists.set(op.id, chosen);
    if (!wanted(op)) return;
    const path = fillPath(op.path, chosen.values);
    const bounds = pageSizeBounds(op);
    if (!bounds) return;
    const small = String(Math.max(bounds.min, SMALL_PAGE_SIZE));
    const sized = await observe(
      'list-sized',
      op,
      `${path}?${bounds.name}=${small}`,
      { status: 200, body: 'list' },
      { pageSize: small },
    );
    // The next page link, through the list's envelope (meta.next_page_url; API v2010's next_page_uri).
    const next = isRecord(sized.json) ? pageView(op, sized.json).get('next') : undefined;
    if (typeof next === 'string' && next !== '') {
      await observe('list-next', op, next, { status: 200, body: 'list' }, { pageSize: small });
    }
    for (const size of invalidPageSizes(bounds)) {
      await observe(
        `list-page-size-invalid-${size}`,
        op,
        `${path}?${bounds.name}=${encodeURIComponent(size)}`,
        { status: 400, body: 'error' },
        { pageSize: size },
      );
    }
  }

  async function planInstance(
    op: Operation,
    t: { values: Record<string, string>; entry?: unknown },
  ): Promise<void> {
    const last = op.pathParams.at(-1);
    const paired = op.pairsWith !== undefined && last?.from?.operation === op.pairsWith;
    // An id known in advance (a hint) is compared with its entry when a page the run read lists it.
    const entry = paired
      ? (t.entry ?? listedEntry(op.pairsWith as string, t.values[last?.name ?? '']))
      : undefined;
    await observe(
      'fetch-listed',
      op,
      fillPath(op.path, t.values),
      { status: 200, body: 'instance' },
      entry !== undefined ? { listEntry: entry } : {},
    );
  }
}
