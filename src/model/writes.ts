// The write operations of the model: one descriptor per POST, PUT, PATCH or DELETE of the spec, and
// what each one does as data, linked to the read operations that show it. Nothing below this stage
// names a resource or a path: a create is "a POST where a list is", an attach "a POST on an item of
// a nested list that no fetch reads", and so on, from the paths alone.
//  - create: POST at a list's path; the list shows what it made, the list's fetch reads it.
//  - update / delete: PUT (PATCH) / DELETE at a fetch's path.
//  - attach / detach: POST / DELETE at {nested list}/{id} that no fetch reads; the item comes from
//    the top-level list of the same name.
//  - send: any other POST (a message to an assistant); what it makes is named by fields of its
//    response that fill a read's path parameter (session_id → /v1/Sessions/{sessionId}/Messages).

import { type JsonSchema, schemaTypes } from './json-schema';
import {
  type DocsExample,
  type Operation,
  type Origin,
  type PathParam,
  pathShape,
  schemasOf,
} from './operation';
import { withProseRules } from './prose-rules';
import { singular, snakeCase } from './twilio-conventions';

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type WriteAction = 'create' | 'update' | 'delete' | 'attach' | 'detach' | 'send';
/** How a write's body is sent: form-encoded (most Twilio products; arrays as repeated keys) or JSON. */
export type RequestEncoding = 'form' | 'json';

export interface WriteEffect {
  /** The list that shows what it creates, changes or removes (attach/detach: the nested list). */
  list?: string;
  /** The fetch that reads it. */
  fetch?: string;
  /** Attach/detach: the list whose items are attached. */
  item?: string;
  /** Send: response fields that name an item, the list that holds it, and the list nested under that item. */
  names?: Array<{ field: string; list: string; children?: string }>;
  /** Create: request fields that hold an item of another list, made with it (a tool's policy → the policies list). */
  alsoCreates?: Array<{ field: string; list: string }>;
}

/** What one source says about a write: its request body, its 2xx body, the statuses it documents. */
export interface WriteSchemas {
  request?: JsonSchema;
  response?: JsonSchema;
  statuses?: string[];
}

export interface WriteOperation {
  id: string;
  method: WriteMethod;
  path: string;
  /** The resource group for reports: the first static segment after the version. */
  resource: string;
  /** Each path parameter and the list whose items supply it. */
  pathParams: PathParam[];
  action: WriteAction;
  /** Every status the spec documents, and its 2xx ones as numbers. */
  statuses: string[];
  success: number[];
  /** The request body (every source's, merged: src/model/build.ts), and whether one is required. */
  request?: JsonSchema;
  requestRequired?: boolean;
  /** How the body is sent (absent: JSON). */
  requestEncoding?: RequestEncoding;
  /** The body of its first 2xx that has one (every source's, merged). */
  response?: JsonSchema;
  /** What each source says on its own (the spec, a docs page): for triangulation, the contract and drift. */
  sources?: Partial<Record<Origin, WriteSchemas>>;
  /** The docs' example outputs of this write: evidence for triangulation, not a contract. */
  examples?: DocsExample[];
  effect: WriteEffect;
  /** twilio-node's accessor for the last path segment (x-twilio.mountName, camel-cased), when the spec names one. */
  mountName?: string;
}

export const writeLabel = (w: Pick<WriteOperation, 'method' | 'path'>): string => `${w.method} ${w.path}`;

/** The path with its last segment dropped: where a nested item's list is. */
const parentShape = (path: string): string => pathShape(path.split('/').slice(0, -1).join('/'));
const lastStatic = (path: string): string | undefined =>
  path
    .split('/')
    .filter((s) => s && !s.startsWith('{'))
    .at(-1);

/** A write as the sources state it, before it is linked to the reads. */
type StatedWrite = Omit<WriteOperation, 'action' | 'effect' | 'pathParams' | 'success'>;

/** The reads a write is linked to, found by the shape of their paths. */
interface Reads {
  all: readonly Operation[];
  lists: readonly Operation[];
  listAt(shape: string): Operation | undefined;
  fetchAt(shape: string): Operation | undefined;
}

function readsOf(reads: readonly Operation[]): Reads {
  const lists = reads.filter((o) => o.kind === 'list');
  return {
    all: reads,
    lists,
    listAt: (shape) => lists.find((l) => pathShape(l.path) === shape),
    fetchAt: (shape) => reads.find((o) => o.kind === 'instance' && pathShape(o.path) === shape),
  };
}

/** What each write does, from the paths: linked to the read operations (parents first, as reads are). */
export function linkWrites(raw: readonly StatedWrite[], reads: readonly Operation[]): WriteOperation[] {
  const index = readsOf(reads);
  // What every response documents: the shapes a loosely typed request field takes.
  const responses = [
    ...reads.flatMap((r) => schemasOf(r).map((s) => s.response)),
    ...raw.flatMap((w) => (w.response ? [w.response] : [])),
  ];
  return raw.map((w) => {
    const { action, effect } = whatItDoes(w, index);
    return {
      ...w,
      ...withRequestRules(w, responses),
      action,
      effect,
      pathParams: pathParamsOf(w, action, effect, index),
      success: w.statuses.filter((s) => /^2\d\d$/.test(s)).map(Number),
    };
  });
}

/** The write's action and what the reads show of it, by the shape of its method and path. */
function whatItDoes(w: StatedWrite, reads: Reads): { action: WriteAction; effect: WriteEffect } {
  const shape = pathShape(w.path);
  const fetch = reads.fetchAt(shape);
  const list = reads.listAt(shape);
  // The last segment a parameter ("{Sid}", or API v2010's "{Sid}.json"): an item of a nested list.
  const nested = /\{[^}/]+\}[^/]*$/.test(w.path) ? reads.listAt(parentShape(w.path)) : undefined;
  if (w.method === 'POST' && list) return { action: 'create', effect: createEffect(w, list, reads) };
  // PUT or PATCH, or Twilio's usual POST to an instance's own path.
  if (w.method !== 'DELETE' && fetch) return { action: 'update', effect: itemEffect(fetch) };
  if (w.method === 'DELETE' && fetch) return { action: 'delete', effect: itemEffect(fetch) };
  if (nested && !fetch && (w.method === 'POST' || w.method === 'DELETE')) {
    const item = topLevelList(reads, lastStatic(w.path));
    return {
      action: w.method === 'POST' ? 'attach' : 'detach',
      effect: { list: nested.id, ...(item ? { item: item.id } : {}) },
    };
  }
  return { action: 'send', effect: sendEffect(w, reads) };
}

const topLevelList = (reads: Reads, name: string | undefined): Operation | undefined =>
  reads.lists.find((l) => l.pathParams.length === 0 && lastStatic(l.path) === name);

/** A create: its list shows it, the list's fetch reads it, and object fields may make items of other lists. */
function createEffect(w: StatedWrite, list: Operation, reads: Reads): WriteEffect {
  // An object field named like another top-level list's items (policy ↔ policies) makes one of them.
  const alsoCreates = Object.entries(w.request?.properties ?? {}).flatMap(([field, s]) => {
    if (!s.properties && !schemaTypes(s).includes('object')) return [];
    const other = reads.lists.find(
      (l) => l !== list && l.pathParams.length === 0 && l.itemsKey && singular(l.itemsKey) === field,
    );
    return other ? [{ field, list: other.id }] : [];
  });
  return {
    list: list.id,
    ...(list.pairsWith ? { fetch: list.pairsWith } : {}),
    ...(alsoCreates.length ? { alsoCreates } : {}),
  };
}

/** An update or a delete: the fetch at its path reads the item, the fetch's list shows it. */
const itemEffect = (fetch: Operation): WriteEffect => ({
  fetch: fetch.id,
  ...(fetch.pairsWith ? { list: fetch.pairsWith } : {}),
});

/**
 * A send: the fields of its answer that name an item a list holds, which its request or path names
 * too (a message names its session; a shake, the box its path names); their children, the list under
 * that item alone that the answer belongs to (answerList). What else it answers it made unnamed.
 */
function sendEffect(w: StatedWrite, reads: Reads): WriteEffect {
  const names: NonNullable<WriteEffect['names']> = [];
  const segments = w.path.split('/');
  // The lists whose items the path names (a shake of a box names that box).
  const inPath = new Set(
    segments.flatMap((seg, k) =>
      /^\{[^}]+\}/.test(seg) ? [reads.listAt(pathShape(segments.slice(0, k).join('/')))?.id ?? ''] : [],
    ),
  );
  const inBody = new Set(Object.keys(w.request?.properties ?? {}).map(snakeCase));
  for (const field of Object.keys(w.response?.properties ?? {})) {
    for (const read of reads.all) {
      const param = read.pathParams.find((p) => snakeCase(p.name) === field && p.from);
      const alone = read.kind === 'list' && read.pathParams.length === 1;
      const named = param?.from && (inBody.has(field) || inPath.has(param.from.operation));
      if (!param?.from || !named || !alone || names.some((n) => n.field === field)) continue;
      const beneath = reads.lists.filter(
        (l) => l.pathParams.length === 1 && l.pathParams[0]?.from?.operation === param.from?.operation,
      );
      const children = beneath.find((l) => answerList(w, l));
      names.push({ field, list: param.from.operation, ...(children ? { children: children.id } : {}) });
    }
  }
  return names.length ? { names } : {};
}

/**
 * Whether a send's answer belongs to this list: the list is the collection the send posts to (its
 * path ends in the same name: a message sent to an assistant is one of a session's Messages), and an
 * answer that carries the list's id field carries one of the same pattern (a call's transcription,
 * GT…, is not one of the account's Transcriptions, TR…). A send posted to a collection no list
 * shows (an access token, a verification) stores nothing among the named item's other lists.
 */
function answerList(w: StatedWrite, list: Operation): boolean {
  if (lastStatic(pathShape(w.path)) !== lastStatic(pathShape(list.path))) return false;
  const field = list.idField;
  const answered = field ? w.response?.properties?.[field] : undefined;
  if (!field || !answered?.pattern) return true;
  return schemasOf(list).every((s) => {
    const item = list.itemsKey ? s.response.properties?.[list.itemsKey]?.items : undefined;
    const pattern = item?.properties?.[field]?.pattern;
    return pattern === undefined || pattern === answered.pattern;
  });
}

/**
 * Where each path parameter's value comes from: an attached item's id from the list of that item;
 * every other parameter from the list at its prefix.
 */
function pathParamsOf(w: StatedWrite, action: WriteAction, effect: WriteEffect, reads: Reads): PathParam[] {
  const params = w.path.match(/\{[^}]+\}/g)?.map((p) => p.slice(1, -1)) ?? [];
  const segments = w.path.split('/');
  const suppliedBy = (name: string, list: Operation | undefined): PathParam =>
    list?.idField ? { name, from: { operation: list.id, field: list.idField } } : { name };
  return params.map((name, k) => {
    if (k === params.length - 1 && (action === 'attach' || action === 'detach') && effect.item)
      return suppliedBy(
        name,
        reads.lists.find((l) => l.id === effect.item),
      );
    // The segment that holds it ("{Sid}.json" in API v2010).
    const at = segments.findIndex((seg) => seg.includes(`{${name}}`));
    return suppliedBy(name, reads.listAt(pathShape(segments.slice(0, at).join('/'))));
  });
}

/**
 * A request as the model reads it: with the values and rules its prose and the responses state;
 * each source's own request is read the same way, so each one's verdict on a body is its own.
 */
function withRequestRules(w: StatedWrite, responses: readonly JsonSchema[]): Partial<StatedWrite> {
  const read = (s: WriteSchemas): WriteSchemas =>
    s.request ? { ...s, request: withProseRules(withResponseValues(s.request, s.response), responses) } : s;
  return {
    ...(w.request ? { request: read(w).request } : {}),
    ...(w.sources
      ? { sources: Object.fromEntries(Object.entries(w.sources).map(([o, s]) => [o, read(s)])) }
      : {}),
  };
}

/**
 * A request field takes the values its response documents for the same field when the request's own
 * text names none (the spec lists a knowledge source's types only on the knowledge it returns; a
 * form's `Method` takes the `method` values its answer enumerates).
 */
function withResponseValues(request: JsonSchema, response: JsonSchema | undefined): JsonSchema {
  const props = request.properties;
  if (!props || !response?.properties) return request;
  const out: Record<string, JsonSchema> = {};
  const answered = new Map(Object.keys(response.properties).map((f) => [snakeCase(f), f]));
  for (const [name, s] of Object.entries(props)) {
    // The same field of the answer: its name, or a form field's snake_case (`Method` → `method`).
    const r = response.properties[name] ?? response.properties[answered.get(snakeCase(name)) ?? ''];
    const listed = r?.enum?.filter((v): v is string => typeof v === 'string');
    const values =
      r?.['x-values'] ??
      (listed?.length && schemaTypes(s).includes('string') && !s.enum ? listed : undefined);
    out[name] = s['x-values'] === undefined && Array.isArray(values) ? { ...s, 'x-values': values } : s;
  }
  return { ...request, properties: out };
}

/** Lists nested under an item of `list` that no write fills: what processing fills (a knowledge source's chunks). */
export function processedChildren(
  model: { operations: readonly Operation[]; writes: readonly WriteOperation[] },
  list: Operation,
): Operation[] {
  const filled = new Set(
    model.writes.flatMap((w) => [w.effect.list, ...(w.effect.names ?? []).map((n) => n.children)]),
  );
  return model.operations.filter(
    (o) => o.kind === 'list' && o.pathParams.some((p) => p.from?.operation === list.id) && !filled.has(o.id),
  );
}

/** The date-time fields of a write's answer that an update moves on: named or described as updated or modified. */
export const updatedFields = (w: Pick<WriteOperation, 'response'>): string[] =>
  Object.entries(w.response?.properties ?? {})
    .filter(
      ([name, p]) =>
        (p.format === 'date-time' || p.format === 'date-time-rfc-2822') &&
        /updated|modified/i.test(`${name} ${p.description ?? ''}`),
    )
    .map(([name]) => name);
