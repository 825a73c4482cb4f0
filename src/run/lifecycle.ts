// A run that writes: it arranges on the target what every read needs to be judged (items on enough
// pages to paginate, a parent with items attached, a conversation, processed items), exercises every
// write (each success, each negative body, an unknown id, no credentials), then undoes what it made,
// newest first. Everything is driven by the write descriptors: a create, an attach, a send are shapes.
// Every write that may make something is journalled before it is sent; only what the journal says
// this run made is ever updated or removed.

import { decodeSegment, isRecord, parseProviderJson } from '../json';
import { fillPath, isPathValue, type Operation } from '../model/operation';
import { snakeCase } from '../model/twilio-conventions';
import type { WriteOperation } from '../model/writes';
import { negativeBodies, tagField, validBody } from '../schemas/bodies';
import type { Contract } from '../schemas/contract';
import type { Exchange, HttpTransport } from '../transport/http';
import { type Journal, type JournalEntry, pendingUndos } from './journal';
import { UNKNOWN_ID } from './plan';

export type WriteScenario = 'arrange' | 'update' | 'undo' | 'negative' | 'unknown-id' | 'no-auth';

/** What a read showed after a write: the evidence the write rules judge. */
export interface Evidence {
  /** The fetch of what the write made, changed or removed. */
  fetched?: { url: string; status?: number; json?: unknown };
  /** Update: the item as fetched before it. */
  before?: unknown;
  /** Whether the list (a nested list for attach and detach) shows the item, walked at its largest PageSize. */
  listed?: { url: string; shown: boolean; complete: boolean };
  /** Send: what each named item shows: fetched, listed, and the items nested under it. */
  named?: Array<{ field: string; id: string; listed?: boolean; fetched?: number; children?: number }>;
}

export interface WriteObservation {
  scenario: WriteScenario;
  write: WriteOperation;
  exchange: Exchange;
  json?: unknown;
  jsonError?: string;
  /** What a correct provider answers. */
  expect: { statuses: number[]; body: 'success' | 'error' };
  sent?: unknown;
  /** Negative body: what is wrong with it. */
  why?: string;
  evidence: Evidence;
}

export interface LifecycleOptions {
  contract: Contract;
  journal: Journal;
  tag: string;
  seed: number;
  /** Items each list gets: enough for three pages at the smallest PageSize the run walks. */
  perList?: number;
  /** How long to wait for processing (chunks to appear), in ms. */
  processingBoundMs?: number;
  /** Between processing polls, in ms. */
  pollMs?: number;
  /** Writes the run reports (all when absent): only these get updates and refusals sent; arranging serves every read. */
  operations?: readonly string[];
}

export interface Arranged {
  observations: WriteObservation[];
  /** Ids the run made, by the list that shows them (parents first): the reads' path values. */
  ids: Map<string, string[]>;
  /** Path values for a read operation: the items the run arranged under it. */
  hints(op: Operation): Array<Record<string, string>>;
}

/** The smallest PageSize the run's plan walks is 2: five items make three pages. */
export const DEFAULT_PER_LIST = 5;

export async function arrange(transport: HttpTransport, o: LifecycleOptions): Promise<Arranged> {
  const { contract } = o;
  const reads = contract.operations;
  const byId = new Map(reads.map((r) => [r.id, r]));
  const perList = o.perList ?? DEFAULT_PER_LIST;
  const ids = new Map<string, string[]>();
  const observations: WriteObservation[] = [];
  const remember = (list: string | undefined, id: string | undefined) => {
    if (!list || id === undefined || !isPathValue(id)) return;
    ids.set(list, [...(ids.get(list) ?? []), id]);
  };
  const first = (list: string | undefined) => (list ? ids.get(list)?.[0] : undefined);
  const writes = contract.writes;
  const undoFor = (action: 'delete' | 'detach', list: string | undefined) =>
    writes.find((w) => w.action === action && w.effect.list === list);

  /** A value the run itself supplies for a request field: an id it arranged whose shape fits. */
  const supply = (field: string, s: { pattern?: string }): string | undefined => {
    if (s.pattern) {
      let re: RegExp;
      try {
        re = new RegExp(s.pattern, 'u');
      } catch {
        return undefined;
      }
      for (const [, list] of ids) if (list[0] !== undefined && re.test(list[0])) return list[0];
      return undefined;
    }
    for (const read of reads)
      for (const p of read.pathParams)
        if (snakeCase(p.name) === field && p.from) {
          const id = first(p.from.operation);
          if (id !== undefined) return id;
        }
    return undefined;
  };
  const body = (w: WriteOperation, seed: number, extra: string[] = []) =>
    validBody(w, { seed, tag: o.tag, supply, optional: extra });
  /** Path values for a write: each parameter from an item the run arranged in the list that supplies it. */
  const pathFor = (w: WriteOperation, last?: string): Record<string, string> | undefined => {
    const values: Record<string, string> = {};
    for (const [k, p] of w.pathParams.entries()) {
      const v = k === w.pathParams.length - 1 && last !== undefined ? last : first(p.from?.operation);
      if (v === undefined) return undefined;
      values[p.name] = v;
    }
    return values;
  };

  const send = async (
    scenario: WriteScenario,
    w: WriteOperation,
    values: Record<string, string>,
    sent: unknown,
    expect: WriteObservation['expect'],
    extra: { why?: string; authenticate?: boolean } = {},
  ): Promise<WriteObservation> => {
    const path = fillPath(w.path, values);
    const makes = w.action === 'create' || w.action === 'attach' || w.action === 'send';
    if (makes) o.journal.record({ kind: 'intent', write: w.id, path });
    const exchange = await transport.send(w.method, path, {
      ...(sent !== undefined ? { body: sent } : {}),
      ...(extra.authenticate === false ? { authenticate: false } : {}),
    });
    const obs: WriteObservation = {
      scenario,
      write: w,
      exchange,
      expect,
      ...(sent !== undefined ? { sent } : {}),
      ...(extra.why ? { why: extra.why } : {}),
      evidence: {},
    };
    const text = exchange.response?.body ?? '';
    if (text.trim() !== '') {
      const parsed = parseProviderJson(text);
      if (parsed.ok) obs.json = parsed.value;
      else obs.jsonError = parsed.error;
    }
    const ok = exchange.response !== undefined && exchange.response.status < 300;
    if (makes && ok) journalMade(w, values, obs);
    else if (makes)
      o.journal.record({
        kind: 'failed',
        write: w.id,
        path,
        message: `status ${exchange.response?.status ?? exchange.error?.message}`,
      });
    observations.push(obs);
    return obs;
  };

  /** What a successful write made, and how to undo it: journalled at once. */
  const journalMade = (w: WriteOperation, values: Record<string, string>, obs: WriteObservation) => {
    if (w.action === 'create') {
      const list = byId.get(w.effect.list ?? '');
      const id = list?.idField && isRecord(obs.json) ? obs.json[list.idField] : undefined;
      const made = typeof id === 'string' && isPathValue(id) ? id : undefined;
      const del = undoFor('delete', w.effect.list);
      const last = del?.pathParams.at(-1)?.name;
      o.journal.record({
        kind: 'made',
        write: w.id,
        path: fillPath(w.path, values),
        ...(made !== undefined ? { id: made } : {}),
        ...(w.effect.list ? { list: w.effect.list } : {}),
        ...(del && last && made !== undefined
          ? {
              undo: {
                write: del.id,
                method: del.method,
                path: fillPath(del.path, { ...values, [last]: made }),
              },
            }
          : {}),
      });
      if (obs.scenario === 'arrange') remember(w.effect.list, made);
      for (const also of w.effect.alsoCreates ?? [])
        o.journal.record({
          kind: 'made',
          write: w.id,
          list: also.list,
          message: `a ${also.field} made with it`,
        });
    } else if (w.action === 'attach') {
      const detach = undoFor('detach', w.effect.list);
      o.journal.record({
        kind: 'made',
        write: w.id,
        path: fillPath(w.path, values),
        ...(w.effect.list ? { list: w.effect.list } : {}),
        ...(detach
          ? { undo: { write: detach.id, method: detach.method, path: fillPath(detach.path, values) } }
          : {}),
      });
    } else if (w.action === 'send') {
      for (const name of w.effect.names ?? []) {
        const id = isRecord(obs.json) ? obs.json[name.field] : undefined;
        // What the path names already existed: the send did not make it.
        const inPath = w.pathParams.find((p) => p.from?.operation === name.list);
        if (typeof id !== 'string' || (inPath && values[inPath.name] === id)) continue;
        const del = undoFor('delete', name.list);
        const last = del?.pathParams.at(-1)?.name;
        o.journal.record({
          kind: 'made',
          write: w.id,
          id,
          list: name.list,
          ...(del && last
            ? { undo: { write: del.id, method: del.method, path: fillPath(del.path, { [last]: id }) } }
            : { message: 'no operation removes it' }),
        });
        if (obs.scenario === 'arrange' && !ids.get(name.list)?.includes(id)) remember(name.list, id);
      }
    }
  };

  const json = async (path: string): Promise<{ url: string; status?: number; json?: unknown }> => {
    const e = await transport.get(path);
    const parsed = e.response ? parseProviderJson(e.response.body) : undefined;
    return {
      url: e.request.url,
      ...(e.response ? { status: e.response.status } : {}),
      ...(parsed?.ok ? { json: parsed.value } : {}),
    };
  };
  const listed = (list: Operation, values: Record<string, string>, id: string) =>
    shownIn(transport, list, values, id);
  const countOf = async (list: Operation, values: Record<string, string>) => {
    const r = await json(fillPath(list.path, values));
    const items = isRecord(r.json) ? r.json[list.itemsKey ?? ''] : undefined;
    return Array.isArray(items) ? items.length : 0;
  };
  const fetchPathOf = (fetch: Operation | undefined, values: Record<string, string>, id: string) => {
    const last = fetch?.pathParams.at(-1)?.name;
    return fetch && last ? fillPath(fetch.path, { ...values, [last]: id }) : undefined;
  };

  // 1. Top-level creates: enough items in each list to paginate (parents of everything else).
  const success = (w: WriteOperation): WriteObservation['expect'] => ({
    statuses: w.success,
    body: 'success',
  });
  const topCreates = writes.filter((w) => w.action === 'create' && w.pathParams.length === 0);
  for (const w of topCreates) {
    const also = (w.effect.alsoCreates ?? []).map((a) => a.field);
    for (let k = 0; k < perList; k++) {
      const obs = await send('arrange', w, {}, body(w, o.seed + k, also), success(w));
      if (k > 0) continue;
      const list = byId.get(w.effect.list ?? '');
      const id = list?.idField && isRecord(obs.json) ? obs.json[list.idField] : undefined;
      if (typeof id !== 'string' || !list) continue;
      const fetchPath = fetchPathOf(byId.get(w.effect.fetch ?? ''), {}, id);
      if (fetchPath) obs.evidence.fetched = await json(fetchPath);
      obs.evidence.listed = await listed(list, {}, id);
    }
  }
  // 2. Attach the arranged items of each attachable list to the first arranged parent.
  for (const w of writes.filter((x) => x.action === 'attach')) {
    const items = ids.get(w.effect.item ?? '') ?? [];
    let lastObs: WriteObservation | undefined;
    let values: Record<string, string> | undefined;
    for (const item of items) {
      values = pathFor(w, item);
      if (!values) break;
      lastObs = await send('arrange', w, values, undefined, success(w));
    }
    const nested = byId.get(w.effect.list ?? '');
    const item = items.at(-1);
    if (lastObs && values && nested && item) lastObs.evidence.listed = await listed(nested, values, item);
  }
  // 3. Send: conversations with the first arranged parent, each named by the run; more turns in the first.
  for (const w of writes.filter((x) => x.action === 'send')) {
    const values = pathFor(w);
    if (!values) continue;
    const names = w.effect.names ?? [];
    for (let k = 0; k < perList + Math.ceil(perList / 2); k++) {
      const b = body(w, o.seed + 100 + k) ?? {};
      const conversation = k < perList ? k : 0;
      for (const n of names)
        if (w.request?.properties?.[n.field]) b[n.field] = `${o.tag}-${n.field}-${conversation}`.slice(0, 64);
      const obs = await send('arrange', w, values, b, success(w));
      if (k > 0) continue;
      obs.evidence.named = [];
      for (const n of names) {
        const id = isRecord(obs.json) ? obs.json[n.field] : undefined;
        const list = byId.get(n.list);
        if (typeof id !== 'string' || !list) continue;
        const fetchPath = fetchPathOf(byId.get(list.pairsWith ?? ''), {}, id);
        const children = byId.get(n.children ?? '');
        const param = children?.pathParams.find((p) => p.from?.operation === list.id);
        obs.evidence.named.push({
          field: n.field,
          id,
          listed: (await listed(list, {}, id)).shown,
          ...(fetchPath ? { fetched: (await json(fetchPath)).status ?? 0 } : {}),
          ...(children && param ? { children: await countOf(children, { [param.name]: id }) } : {}),
        });
      }
    }
    // The items nested under what the sends made (a conversation's messages) can be supplied too.
    for (const n of names) {
      const children = byId.get(n.children ?? '');
      const param = children?.pathParams.find((p) => p.from?.operation === n.list);
      const id = first(n.list);
      if (!children || !param || id === undefined) continue;
      const r = await json(fillPath(children.path, { [param.name]: id }));
      const items = isRecord(r.json) ? r.json[children.itemsKey ?? ''] : undefined;
      if (Array.isArray(items))
        for (const it of items)
          if (isRecord(it) && children.idField) remember(children.id, String(it[children.idField]));
    }
  }
  // 4. Creates under a parent (feedback on the conversation): after what they refer to exists.
  for (const w of writes.filter((x) => x.action === 'create' && x.pathParams.length > 0)) {
    const values = pathFor(w);
    if (!values) continue;
    for (let k = 0; k < perList; k++) {
      const obs = await send('arrange', w, values, body(w, o.seed + 200 + k), success(w));
      const list = byId.get(w.effect.list ?? '');
      const id = list?.idField && isRecord(obs.json) ? obs.json[list.idField] : undefined;
      if (k === 0 && list && typeof id === 'string') obs.evidence.listed = await listed(list, values, id);
    }
  }
  // 5. Processing: items whose lists no write fills (a knowledge source's chunks) are waited for, within a bound.
  const filled = new Set(
    writes.flatMap((w) => [w.effect.list, ...(w.effect.names ?? []).map((n) => n.children)]),
  );
  const bound = Date.now() + (o.processingBoundMs ?? 30_000);
  for (const child of reads.filter((r) => r.kind === 'list' && !filled.has(r.id))) {
    const param = child.pathParams.at(-1);
    const parent = param?.from ? first(param.from.operation) : undefined;
    if (!param || parent === undefined || !topCreates.some((w) => w.effect.list === param.from?.operation))
      continue;
    for (;;) {
      const r = await json(fillPath(child.path, { [param.name]: parent }));
      const items = isRecord(r.json) ? r.json[child.itemsKey ?? ''] : undefined;
      // Waited for only while the parent is there and its list answers; a missing parent is a finding elsewhere.
      if (r.status !== 200 || (Array.isArray(items) && items.length > 0) || Date.now() >= bound) break;
      await new Promise((res) => setTimeout(res, o.pollMs ?? 500));
    }
  }
  const wanted = (w: WriteOperation) => !o.operations || o.operations.includes(w.id);
  // 6. Updates: the first arranged item of each list, its free-text fields changed; read before and after.
  for (const w of writes.filter((x) => x.action === 'update' && wanted(x))) {
    const values = pathFor(w);
    const fetch = byId.get(w.effect.fetch ?? '');
    if (!values || !fetch) continue;
    const before = await json(fillPath(fetch.path, values));
    const b = validBody(w, { seed: o.seed + 300, tag: `${o.tag} updated`, supply });
    const obs = await send('update', w, values, b ?? {}, success(w));
    obs.evidence.before = before.json;
    obs.evidence.fetched = await json(fillPath(fetch.path, values));
  }
  // 7. Bodies the spec refuses, an unknown id, no credentials: every write, on the items the run made.
  const refused = (status: number): WriteObservation['expect'] => ({ statuses: [status], body: 'error' });
  for (const w of writes.filter(wanted)) {
    const values = pathFor(w);
    if (!values) continue;
    const valid = body(w, o.seed + 400) ?? {};
    for (const n of negativeBodies(w, valid))
      await send('negative', w, values, n.body, refused(400), { why: n.why });
    if (w.pathParams.length) {
      const last = w.pathParams.at(-1)?.name as string;
      await send(
        'unknown-id',
        w,
        { ...values, [last]: UNKNOWN_ID },
        w.request ? valid : undefined,
        refused(404),
      );
    }
    await send('no-auth', w, values, w.request ? valid : undefined, refused(401), { authenticate: false });
  }
  const hints = (op: Operation): Array<Record<string, string>> => {
    const values: Record<string, string> = {};
    for (const p of op.pathParams) {
      const id = first(p.from?.operation);
      if (id === undefined) return [];
      values[p.name] = id;
    }
    return op.pathParams.length ? [values] : [];
  };
  return { observations, ids, hints };
}

/**
 * Undoes what the journal says this run made, newest first (detach before delete), each removal
 * read back: the fetch must 404 and the list must no longer show it. What could not be undone is
 * returned, for a finding with the command that removes it.
 */
export async function undo(
  transport: HttpTransport,
  contract: Contract,
  journal: Journal,
  entries: readonly JournalEntry[],
): Promise<{ observations: WriteObservation[]; left: JournalEntry[] }> {
  const observations: WriteObservation[] = [];
  const left: JournalEntry[] = [];
  const writes = new Map(contract.writes.map((w) => [w.id, w]));
  const reads = new Map(contract.operations.map((r) => [r.id, r]));
  for (const e of pendingUndos(entries)) {
    const w = writes.get(e.undo?.write ?? '');
    if (!w || !e.undo) {
      left.push(e);
      continue;
    }
    const exchange = await transport.send(e.undo.method, e.undo.path);
    const status = exchange.response?.status;
    const obs: WriteObservation = {
      scenario: 'undo',
      write: w,
      exchange,
      expect: { statuses: w.success, body: 'success' },
      evidence: {},
    };
    observations.push(obs);
    // Gone already (404) is undone too: nothing of the run's is left.
    if (status !== undefined && (w.success.includes(status) || status === 404)) {
      journal.record({ kind: 'undone', write: w.id, undo: e.undo, ...(e.id ? { id: e.id } : {}) });
      const fetch = reads.get(w.effect.fetch ?? '');
      const values = valuesOf(w, e.undo.path);
      if (w.action === 'delete' && fetch) {
        const r = await transport.get(fillPath(fetch.path, values));
        obs.evidence.fetched = { url: r.request.url, ...(r.response ? { status: r.response.status } : {}) };
      }
      const nested = reads.get(w.effect.list ?? '');
      const item = values[w.pathParams.at(-1)?.name ?? ''];
      if (w.action === 'detach' && nested && item !== undefined)
        obs.evidence.listed = await shownIn(transport, nested, values, item);
    } else left.push(e);
  }
  return { observations, left };
}

/** Whether a list shows an item: walked at its largest PageSize, five pages at most. */
async function shownIn(
  transport: HttpTransport,
  list: Operation,
  values: Record<string, string>,
  id: string,
): Promise<{ url: string; shown: boolean; complete: boolean }> {
  const size = Object.values(list.schemas)
    .map((s) => s?.query?.properties?.PageSize?.maximum)
    .find((m) => typeof m === 'number');
  let url: string | undefined =
    `${fillPath(list.path, values)}${size ? `?PageSize=${Math.min(size, 1000)}` : ''}`;
  const start = url;
  for (let page = 0; url && page < 5; page++) {
    const e = await transport.get(url);
    const parsed = e.response?.status === 200 ? parseProviderJson(e.response.body) : undefined;
    const body = parsed?.ok ? parsed.value : undefined;
    if (!isRecord(body)) return { url: start, shown: false, complete: false };
    const items = body[list.itemsKey ?? ''];
    if (Array.isArray(items) && items.some((it) => isRecord(it) && list.idField && it[list.idField] === id))
      return { url: start, shown: true, complete: true };
    const next = isRecord(body.meta) ? body.meta.next_page_url : undefined;
    url = typeof next === 'string' && next ? next : undefined;
  }
  return { url: start, shown: false, complete: url === undefined };
}

/** The path values of a filled path, by the write's parameter names. */
function valuesOf(w: WriteOperation, path: string): Record<string, string> {
  const shape = w.path.split('/');
  const parts = path.split('/');
  const out: Record<string, string> = {};
  shape.forEach((seg, k) => {
    const m = /^\{(.+)\}$/.exec(seg);
    if (m?.[1]) out[m[1]] = decodeSegment(parts[k] ?? '');
  });
  return out;
}

/**
 * Items a killed run may have made without hearing their ids (an intent journalled, no answer): in
 * the list of each create it intended, the items whose tag field carries the run's tag, with the
 * delete that removes each. Nothing without the tag is ever returned.
 */
export async function taggedLeftovers(
  transport: HttpTransport,
  contract: Contract,
  entries: readonly JournalEntry[],
  tag: string,
): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  const known = new Set(entries.filter((e) => e.kind === 'made' && e.id).map((e) => e.id));
  const intended = new Set(entries.filter((e) => e.kind === 'intent').map((e) => e.write));
  for (const w of contract.writes.filter(
    (x) => x.action === 'create' && intended.has(x.id) && x.pathParams.length === 0,
  )) {
    const list = contract.operations.find((r) => r.id === w.effect.list);
    const del = contract.writes.find((x) => x.action === 'delete' && x.effect.list === w.effect.list);
    const field = tagField(w);
    const last = del?.pathParams.at(-1)?.name;
    if (!list?.idField || !del || !field || !last) continue;
    let url: string | undefined = `${list.path}?PageSize=1000`;
    for (let page = 0; url && page < 20; page++) {
      const e = await transport.get(url);
      const parsed = e.response?.status === 200 ? parseProviderJson(e.response.body) : undefined;
      const body = parsed?.ok ? parsed.value : undefined;
      if (!isRecord(body)) break;
      const items = body[list.itemsKey ?? ''];
      for (const it of Array.isArray(items) ? items : []) {
        if (!isRecord(it)) continue;
        const id = it[list.idField];
        const mark = it[field];
        if (typeof id !== 'string' || known.has(id) || typeof mark !== 'string' || !mark.includes(tag))
          continue;
        out.push({
          kind: 'made',
          at: new Date().toISOString(),
          tag,
          write: w.id,
          id,
          list: list.id,
          undo: { write: del.id, method: del.method, path: fillPath(del.path, { [last]: id }) },
        });
      }
      const next = isRecord(body.meta) ? body.meta.next_page_url : undefined;
      url = typeof next === 'string' && next ? next : undefined;
    }
  }
  return out;
}

/**
 * What one write needs made first, made through the API and journalled (a provider state for a
 * write interaction): a fresh item for each of its path parameters (so an update or a delete only
 * ever touches what this made), the item attached first for a detach, and, for a body that refers
 * to a conversation (feedback), a message sent to make one. Returns the path values and the body
 * fields it supplies.
 */
export async function prepareWrite(
  transport: HttpTransport,
  contract: Contract,
  journal: Journal,
  tag: string,
  w: WriteOperation,
  seed = 1,
): Promise<{ values: Record<string, string>; supplied: Record<string, string> }> {
  const reads = new Map(contract.operations.map((r) => [r.id, r]));
  const send = async (x: WriteOperation, values: Record<string, string>, body?: unknown) => {
    const path = fillPath(x.path, values);
    journal.record({ kind: 'intent', write: x.id, path });
    const e = await transport.send(x.method, path, body === undefined ? {} : { body });
    const status = e.response?.status;
    if (status === undefined || status >= 300)
      throw new Error(`${x.method} ${path} answered ${status ?? e.error?.message} while preparing ${w.id}`);
    const parsed = e.response?.body ? parseProviderJson(e.response.body) : undefined;
    return parsed?.ok ? parsed.value : undefined;
  };
  const made = new Map<string, string>();
  /** A fresh item of a top-level list, made by its create and journalled with its delete. */
  const make = async (listId: string): Promise<string> => {
    const create = contract.writes.find(
      (x) => x.action === 'create' && x.effect.list === listId && x.pathParams.length === 0,
    );
    const list = reads.get(listId);
    if (!create || !list?.idField) throw new Error(`nothing creates an item of ${listId} for ${w.id}`);
    const json = await send(create, {}, validBody(create, { seed, tag }));
    const id = isRecord(json) ? json[list.idField] : undefined;
    if (typeof id !== 'string') throw new Error(`${create.id} answered no ${list.idField}`);
    const del = contract.writes.find((x) => x.action === 'delete' && x.effect.list === listId);
    const last = del?.pathParams.at(-1)?.name;
    journal.record({
      kind: 'made',
      write: create.id,
      id,
      list: listId,
      ...(del && last
        ? { undo: { write: del.id, method: del.method, path: fillPath(del.path, { [last]: id }) } }
        : {}),
    });
    made.set(listId, id);
    return id;
  };
  const values: Record<string, string> = {};
  for (const p of w.pathParams) {
    if (!p.from) throw new Error(`${w.path}: no list supplies {${p.name}}`);
    values[p.name] = await make(p.from.operation);
  }
  if (w.action === 'detach') {
    const attach = contract.writes.find((x) => x.action === 'attach' && x.effect.list === w.effect.list);
    if (attach) {
      await send(attach, values);
      journal.record({
        kind: 'made',
        write: attach.id,
        path: fillPath(attach.path, values),
        undo: { write: w.id, method: w.method, path: fillPath(w.path, values) },
      });
    }
  }
  // A body that refers to a conversation: one made by a send to the same parent, its first message.
  const supplied: Record<string, string> = {};
  const fields = Object.entries(w.request?.properties ?? {});
  const sendW = contract.writes.find(
    (x) =>
      x.action === 'send' &&
      x.pathParams.every((p) => values[p.name] !== undefined) &&
      x.pathParams.length > 0,
  );
  const named = (sendW?.effect.names ?? []).filter((n) => fields.some(([f]) => f === n.field));
  if (sendW && named.length) {
    const body = validBody(sendW, { seed, tag }) ?? {};
    const json = await send(sendW, values, body);
    for (const n of named) {
      const id = isRecord(json) ? json[n.field] : undefined;
      if (typeof id !== 'string') continue;
      supplied[n.field] = id;
      journal.record({ kind: 'made', write: sendW.id, id, list: n.list, message: 'no operation removes it' });
      const children = reads.get(n.children ?? '');
      const param = children?.pathParams.find((p) => p.from?.operation === n.list);
      if (!children || !param) continue;
      const r = await transport.get(fillPath(children.path, { [param.name]: id }));
      const parsed = r.response?.status === 200 ? parseProviderJson(r.response.body) : undefined;
      const items = parsed?.ok && isRecord(parsed.value) ? parsed.value[children.itemsKey ?? ''] : undefined;
      const first = Array.isArray(items) ? items[0] : undefined;
      const childId = isRecord(first) && children.idField ? first[children.idField] : undefined;
      if (typeof childId !== 'string') continue;
      for (const [field, s] of fields)
        if (s.pattern && !supplied[field] && new RegExp(s.pattern, 'u').test(childId))
          supplied[field] = childId;
    }
  }
  return { values, supplied };
}
