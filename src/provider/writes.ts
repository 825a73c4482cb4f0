// The reference provider's writes: one small handler per action shape (create, update, delete,
// attach, detach, send), each reading its descriptor from the model, over the same item stores the
// reads serve, so a list and a fetch show what a write did. Shared steps: the request body is
// checked against the spec's schema (and the values its prose allows) before anything changes;
// a created item with lists that no write fills (a knowledge source's chunks) is processed
// asynchronously: its status moves on and those lists fill after a delay.

import { type JsonSchema, schemaTypes } from '../model/json-schema';
import type { Operation, PathParam } from '../model/operation';
import { processingFields } from '../model/twilio-conventions';
import { processedChildren as processedOf, updatedFields, type WriteOperation } from '../model/writes';
import type { Contract } from '../schemas/contract';
import { requestViolations } from '../schemas/request-check';
import { generate, hashInt, type ItemStore, type Json } from './data';
import type { ProviderResponse, WriteBend } from './faults';

type Item = Record<string, Json>;

export interface WriteContext {
  contract: Contract;
  byId: ReadonlyMap<string, Operation>;
  seed: number;
  storeFor(op: Operation, values: Record<string, string>): ItemStore;
  countOf(op: Operation, values: Record<string, string>): number;
  exists(op: { pathParams: readonly PathParam[] }, values: Record<string, string>): boolean;
  instanceOf(op: Operation): JsonSchema;
  inheritedFor(
    schema: JsonSchema,
    pathParams: readonly PathParam[],
    values: Record<string, string>,
    idField: string | undefined,
  ): Record<string, string>;
  /** What a GET of the fetch would answer now. */
  fetchBody(op: Operation, values: Record<string, string>): ProviderResponse;
  json(status: number, body: unknown): ProviderResponse;
  error(status: number, code: number, message: string): ProviderResponse;
  /** Items this provider created, with when their processing ends. */
  created: Map<string, { readyAt: number }>;
  /** Items an update changed. */
  changed: Set<string>;
  /** The write fault switched on for this write, if any. */
  bendOf(w: WriteOperation): WriteBend | undefined;
  processingMs: number;
}

/** The item's processing-state fields set as of now: busy until its processing ends. */
export { processingFields };

export function withProcessing(schema: JsonSchema, item: Item, readyAt: number | undefined): Item {
  if (readyAt === undefined) return item;
  const fields = processingFields(schema);
  if (fields.length === 0) return item;
  const out = { ...item };
  for (const [name, busy, done] of fields) out[name] = Date.now() < readyAt ? busy : done;
  return out;
}

const isoNow = () => new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A value the request sent for an item field, when the item's schema has that field and its type fits. */
function fromRequest(schema: JsonSchema, body: unknown): Item {
  const out: Item = {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return out;
  for (const [name, value] of Object.entries(body as Record<string, Json>)) {
    const s = schema.properties?.[name];
    if (!s) continue;
    const types = schemaTypes(s);
    const t = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    if (types.length === 0 || types.includes(t) || (t === 'number' && types.includes('integer')))
      out[name] = value;
  }
  return out;
}

/** A new item for a list: generated from its schema, then what the request sent, its context and fresh dates. */
function newItem(
  ctx: WriteContext,
  list: Operation,
  values: Record<string, string>,
  body: unknown,
  extra: { pathParams: readonly PathParam[]; values: Record<string, string> } | undefined,
  id: string,
): Item {
  const schema = ctx.instanceOf(list);
  const item = generate(schema, hashInt(ctx.seed, 'created', list.id, id), 'item') as Item;
  for (const [name, s] of Object.entries(schema.properties ?? {}))
    if (s.format === 'date-time') item[name] = isoNow();
  Object.assign(
    item,
    fromRequest(schema, body),
    ctx.inheritedFor(schema, list.pathParams, values, list.idField),
    extra ? ctx.inheritedFor(schema, extra.pathParams, extra.values, list.idField) : {},
  );
  if (list.idField) item[list.idField] = id;
  return item;
}

/** Lists nested under an item of `list` that no write fills: what processing fills. */
export const processedChildren = (ctx: Pick<WriteContext, 'contract'>, list: Operation): Operation[] =>
  processedOf(ctx.contract.model, list);

/** The request body checked against the spec's schema and the values its prose allows: a 400 when it fails. */
export function rejectBody(
  ctx: WriteContext,
  w: WriteOperation,
  raw: string,
): ProviderResponse | { body: unknown } {
  let body: unknown;
  if (raw.trim() === '') {
    if (w.requestRequired) return ctx.error(400, 20001, 'Missing request body');
    return { body: {} };
  }
  if (!w.request) return { body: {} };
  try {
    body = JSON.parse(raw);
  } catch {
    return ctx.error(400, 20001, 'Request body is not valid JSON');
  }
  const accepts = ctx.bendOf(w)?.accepts ?? [];
  const [v] = requestViolations(ctx.contract, w, body).filter((x) => !accepts.includes(x.keyword));
  if (v) return ctx.error(400, 20001, `Invalid parameter ${v.message}`);
  return { body };
}

export function handleWrite(
  ctx: WriteContext,
  w: WriteOperation,
  values: Record<string, string>,
  body: unknown,
): ProviderResponse {
  const bend = ctx.bendOf(w);
  let response = act(ctx, w, values, body, bend);
  if (!bend) return response;
  if (bend.status && response.status < 300)
    response = { ...response, status: bend.status(w, response.status) };
  if (bend.bodyOn204 && response.status === 204) response = { ...ctx.json(200, { ok: true }), status: 204 };
  if (bend.dropsRequired && response.status < 300 && response.body) {
    const parsed = JSON.parse(response.body) as Record<string, unknown>;
    const field = w.response?.required?.find((r) => Object.hasOwn(parsed, r));
    if (field) delete parsed[field];
    response = { ...response, body: JSON.stringify(parsed) };
  }
  return response;
}

function act(
  ctx: WriteContext,
  w: WriteOperation,
  values: Record<string, string>,
  body: unknown,
  bend: WriteBend | undefined,
): ProviderResponse {
  const status = w.success[0] ?? 200;
  const op = (id: string | undefined) => (id ? ctx.byId.get(id) : undefined);
  const lastValue = values[w.pathParams.at(-1)?.name ?? ''] ?? '';
  const notFound = () => ctx.error(404, 20404, `The requested resource ${w.path} was not found`);
  const empty = (): ProviderResponse => ({ status, headers: {}, body: '' });
  switch (w.action) {
    case 'create': {
      const list = op(w.effect.list);
      if (!list) return notFound();
      const store = ctx.storeFor(list, values);
      const id = store.newId();
      const item = newItem(ctx, list, values, body, undefined, id);
      if (bend?.noEffect) return ctx.json(status, item);
      store.add(item);
      for (const also of w.effect.alsoCreates ?? []) {
        const other = op(also.list);
        const sent = (body as Record<string, unknown> | undefined)?.[also.field];
        if (!other || typeof sent !== 'object' || sent === null) continue;
        const into = ctx.storeFor(other, {});
        const oid = into.newId();
        into.add(newItem(ctx, other, {}, sent, undefined, oid));
        ctx.created.set(oid, { readyAt: Date.now() });
      }
      const processing = processedChildren(ctx, list).length > 0;
      ctx.created.set(id, { readyAt: Date.now() + (processing ? ctx.processingMs : 0) });
      const fetch = op(w.effect.fetch);
      const last = fetch?.pathParams.at(-1)?.name;
      if (fetch && last) {
        const shown = ctx.fetchBody(fetch, { ...values, [last]: id });
        return { ...shown, status };
      }
      return ctx.json(status, withProcessing(ctx.instanceOf(list), item, ctx.created.get(id)?.readyAt));
    }
    case 'update':
    case 'delete': {
      const list = op(w.effect.list);
      const fetch = op(w.effect.fetch);
      if (!list || !fetch) return notFound();
      const store = ctx.storeFor(list, values);
      if (store.find(lastValue, ctx.countOf(list, values)) === undefined) return notFound();
      if (w.action === 'delete') {
        if (!bend?.noEffect) store.remove(lastValue);
        return empty();
      }
      if (!bend?.noEffect) {
        const dated = Object.fromEntries(updatedFields(w).map((f) => [f, isoNow()]));
        store.patch(lastValue, { ...fromRequest(ctx.instanceOf(list), body), ...dated });
      }
      if (bend?.touchesOther) {
        const item = store.at(
          store.find(lastValue, ctx.countOf(list, values)) ?? 0,
          ctx.countOf(list, values),
        );
        const sent = new Set(Object.keys((body as Record<string, unknown>) ?? {}));
        const other = Object.entries(ctx.instanceOf(list).properties ?? {}).find(
          ([name, s]) =>
            !sent.has(name) &&
            name !== list.idField &&
            schemaTypes(s).includes('string') &&
            !s.format &&
            !s.pattern,
        )?.[0];
        if (other) store.patch(lastValue, { [other]: `${String(item[other] ?? '')} (changed)` });
      }
      ctx.changed.add(lastValue);
      return { ...ctx.fetchBody(fetch, values), status };
    }
    case 'attach':
    case 'detach': {
      const nested = op(w.effect.list);
      const source = op(w.effect.item);
      if (!nested || !source) return notFound();
      const from = ctx.storeFor(source, values);
      const k = from.find(lastValue, ctx.countOf(source, values));
      const into = ctx.storeFor(nested, values);
      const attached = into.find(lastValue, ctx.countOf(nested, values)) !== undefined;
      if (w.action === 'detach') {
        if (!attached) return notFound();
        into.remove(lastValue);
        return empty();
      }
      if (k === undefined) return notFound();
      if (!attached && !bend?.noEffect) into.add(from.at(k, ctx.countOf(source, values)));
      return empty();
    }
    case 'send': {
      const response: Item = w.response
        ? {
            ...(generate(
              w.response,
              hashInt(ctx.seed, 'sent', w.id, lastValue, Date.now()),
              'reply',
            ) as Item),
            ...fromRequest(w.response, body),
            ...ctx.inheritedFor(w.response, w.pathParams, values, undefined),
          }
        : {};
      for (const name of w.effect.names ?? []) {
        const list = op(name.list);
        if (!list) continue;
        if (bend?.namesNothing) {
          response[name.field] = `${ctx.seed}-unsaved-${Date.now()}`;
          continue;
        }
        const store = ctx.storeFor(list, {});
        const sent = (body as Record<string, unknown> | undefined)?.[name.field];
        // The item the path itself names (a shake of this box), else the one the body names, else a new one.
        const inPath = w.pathParams.find((p) => p.from?.operation === list.id);
        const id = inPath
          ? (values[inPath.name] ?? '')
          : typeof sent === 'string' && sent !== ''
            ? sent
            : store.newId();
        if (store.find(id, ctx.countOf(list, {})) === undefined) {
          store.add(newItem(ctx, list, {}, body, { pathParams: w.pathParams, values }, id));
          ctx.created.set(id, { readyAt: Date.now() });
        }
        response[name.field] = id;
        const children = op(name.children);
        const param = children?.pathParams.find((p) => p.from?.operation === list.id);
        if (children && param) {
          const under = { [param.name]: id };
          const messages = ctx.storeFor(children, under);
          // The exchange: what was sent, and the reply.
          for (const turn of ['request', 'reply'] as const) {
            const mid = messages.newId();
            const item = newItem(
              ctx,
              children,
              under,
              turn === 'request' ? body : {},
              { pathParams: w.pathParams, values },
              mid,
            );
            const schema = ctx.instanceOf(children);
            holdText(schema, item, turnText(w, turn === 'request' ? body : response, schema));
            messages.add(item);
          }
        }
      }
      return ctx.json(status, response);
    }
  }
}

/**
 * The free text of one turn of an exchange — what was sent, or the reply (the answer's field of the
 * same name) — that the nested item has no field of its own for.
 */
function turnText(w: WriteOperation, from: unknown, child: JsonSchema): string | undefined {
  if (typeof from !== 'object' || from === null) return undefined;
  const names = new Set((w.effect.names ?? []).map((n) => n.field));
  for (const [field, s] of Object.entries(w.request?.properties ?? {})) {
    const v = (from as Record<string, unknown>)[field];
    const free = s.type === 'string' && !s.pattern && !s.format && !s['x-values'];
    if (free && !names.has(field) && !child.properties?.[field] && typeof v === 'string' && v.length > 0)
      return v;
  }
  return undefined;
}

/** A nested item holds a turn's text where its schema keeps content: an object documented without fields. */
function holdText(schema: JsonSchema, item: Item, text: string | undefined): void {
  if (text === undefined) return;
  const field = Object.entries(schema.properties ?? {}).find(
    ([, s]) => schemaTypes(s).includes('object') && !s.properties,
  )?.[0];
  if (field) item[field] = { text };
}
