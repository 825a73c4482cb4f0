// Twilio's OpenAPI 3.0 spec → one operation descriptor per GET, with the spec's schemas resolved as
// Twilio's generator writes them: `$ref` inlined, `allOf` merged, OpenAPI 3.0 `nullable` turned into
// a JSON Schema type union, `required` kept. Every property records the spec pointer it came from.

import { basename } from 'node:path';
import { escapePointer, isRecord, unescapePointer } from '../json';
import { CONSTRAINT_KEYWORDS, type JsonSchema, type Provenance, schemaTypes } from './json-schema';
import {
  isJsonMedia,
  JSON_MEDIA,
  type Operation,
  type OperationKind,
  type OperationSchemas,
  pathParamNames,
  resourceOf,
  type Unmodelled,
} from './operation';
import { type Envelope, isRelativeLinkName } from './twilio-conventions';
import type { RequestEncoding, WriteMethod } from './writes';

export class SpecError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'SpecError';
  }
}

type Node = Record<string, unknown>;

/** What the importer keeps of a spec schema node (subschemas are converted one by one). */
const COPIED = [
  ...CONSTRAINT_KEYWORDS.filter((k) => k !== 'additionalProperties'),
  'default',
  'description',
] as const;

export interface SpecOperations {
  operations: Operation[];
  /** Every GET that is not an operation, with the reason (no JSON body for a success or redirect). */
  unmodelled: Unmodelled[];
  /** Every operation that is not a GET, before build.ts links what each one does. */
  writes: SpecWrite[];
  /** The spec's error body, when it documents one. */
  error?: JsonSchema;
}

/** A write as the spec states it: method, path, body, statuses; its effect is linked later (build.ts). */
export interface SpecWrite {
  id: string;
  method: WriteMethod;
  path: string;
  resource: string;
  statuses: string[];
  request?: JsonSchema;
  requestRequired: boolean;
  /** How the request body is sent: form-encoded (most Twilio products) or JSON. */
  requestEncoding?: RequestEncoding;
  /** The JSON body of its first 2xx that has one. */
  response?: JsonSchema;
  mountName?: string;
}

const WRITE_METHODS = ['post', 'put', 'patch', 'delete'] as const;

/**
 * An OpenAPI document's schemas as JSON Schema: `$ref` resolved (cycles cut, expansion bounded),
 * `allOf` merged, `oneOf`/`anyOf` as one schema every branch satisfies the shape of (properties
 * united, required only where every branch requires it, types united), `nullable` as a null type.
 */
export function schemaConverter(spec: Record<string, unknown>, name: string) {
  const fail = (detail: string): never => {
    throw new SpecError(name, detail);
  };
  const src = (pointer: string): Provenance => ({ source: 'openapi', file: name, pointer });
  const resolveRef = (ref: string): { node: Node; pointer: string } => {
    if (!ref.startsWith('#/')) return fail(`external $ref "${ref}" is not supported`);
    let node: unknown = spec;
    for (const part of ref.slice(2).split('/')) {
      const key = unescapePointer(part);
      node = isRecord(node) && Object.hasOwn(node, key) ? node[key] : undefined;
    }
    return isRecord(node) ? { node, pointer: ref } : fail(`$ref "${ref}" points at nothing`);
  };

  // $ref expansion is bounded: a schema that references the next level twice, 20 levels deep,
  // would inline a million nodes. Past these, one line naming where, exit 2.
  let nodes = 0;
  const MAX_NODES = 200_000;
  const MAX_REF_DEPTH = 32;
  const convert = (node: Node, pointer: string, stack: readonly string[] = []): JsonSchema => {
    if (++nodes > MAX_NODES) fail(`${pointer}: $ref expansion exceeds ${MAX_NODES} schema nodes`);
    if (typeof node.$ref === 'string') {
      if (stack.includes(node.$ref)) return { description: `recursive reference to ${node.$ref}` };
      if (stack.length >= MAX_REF_DEPTH) fail(`${pointer}: $ref chain deeper than ${MAX_REF_DEPTH}`);
      const target = resolveRef(node.$ref);
      const inner = convert(target.node, target.pointer, [...stack, node.$ref]);
      return node.nullable === true ? nullable(inner) : inner;
    }
    let out: JsonSchema = {};
    if (Array.isArray(node.allOf)) {
      node.allOf.forEach((part, k) => {
        if (isRecord(part)) out = mergeAll(out, convert(part, `${pointer}/allOf/${k}`, stack));
      });
    }
    for (const key of ['oneOf', 'anyOf'] as const) {
      const branches = node[key];
      if (!Array.isArray(branches)) continue;
      const parts = branches.flatMap((part, k) =>
        isRecord(part) ? [convert(part, `${pointer}/${key}/${k}`, stack)] : [],
      );
      if (parts.length) out = mergeAll(out, mergeAny(parts));
    }
    for (const key of COPIED) if (node[key] !== undefined) (out as Node)[key] = node[key];
    out = shapeFormat(wireType(out, node));
    // What a JSON Schema validator would refuse to compile is one line naming where it is.
    if (Array.isArray(out.enum) && out.enum.length === 0) fail(`${pointer}: "enum" lists no value`);
    if (out.enum !== undefined && !Array.isArray(out.enum)) fail(`${pointer}: "enum" is not a list`);
    if (out.pattern !== undefined) {
      try {
        new RegExp(String(out.pattern), 'u');
      } catch {
        fail(`${pointer}: "pattern" ${JSON.stringify(out.pattern)} is not a valid regular expression`);
      }
    }
    const values = valuesInDescription(node);
    if (values) out['x-values'] = values;
    if (isRecord(node.properties)) {
      out.properties = { ...(out.properties ?? {}) };
      for (const [prop, child] of Object.entries(node.properties)) {
        if (!isRecord(child)) continue;
        const at = `${pointer}/properties/${escapePointer(prop)}`;
        const converted = linkFormat(prop, convert(child, at, stack));
        out.properties[prop] = { ...converted, 'x-source': converted['x-source'] ?? src(at) };
      }
      out.type ??= 'object';
    }
    if (Array.isArray(node.required)) {
      const required = node.required.filter((r): r is string => typeof r === 'string');
      out.required = [...new Set([...(out.required ?? []), ...required])];
    }
    if (isRecord(node.items)) out.items = convert(node.items, `${pointer}/items`, stack);
    if (typeof node.additionalProperties === 'boolean') out.additionalProperties = node.additionalProperties;
    if (node.nullable === true) out = nullable(out);
    return out;
  };

  return { convert, resolveRef, src };
}

type Converter = ReturnType<typeof schemaConverter>;

/** Every operation of the spec: each GET as an Operation, every other method as a SpecWrite. */
export function operationsFromOpenApi(spec: unknown, file: string): SpecOperations {
  const name = basename(file);
  const fail = (detail: string): never => {
    throw new SpecError(name, detail);
  };
  if (!isRecord(spec) || typeof spec.openapi !== 'string' || !isRecord(spec.paths)) {
    return fail('not an OpenAPI 3 document (no "openapi" version or "paths")');
  }
  const conv = schemaConverter(spec, name);
  const operations: Operation[] = [];
  const unmodelled: Unmodelled[] = [];
  const writes: SpecWrite[] = [];
  let error: JsonSchema | undefined;
  for (const [path, item] of Object.entries(spec.paths)) {
    if (!isRecord(item)) continue;
    for (const method of WRITE_METHODS)
      if (isRecord(item[method])) writes.push(specWrite(conv, path, method, item));
    const read = specRead(conv, path, item);
    if (!read) continue;
    if ('reason' in read) {
      unmodelled.push(read);
      continue;
    }
    operations.push(read.op);
    error ??= read.error;
  }
  if (operations.length === 0 && writes.length === 0)
    fail(
      `documents no operation (no GET with a JSON body for success, no write)${unmodelled.map((u) => `; GET ${u.path}: ${u.reason}`).join('')}`,
    );
  return { operations, unmodelled, writes, ...(error ? { error } : {}) };
}

const mountOf = (item: Node): string | undefined => {
  const twilio = isRecord(item['x-twilio']) ? item['x-twilio'] : {};
  return typeof twilio.mountName === 'string' ? camel(twilio.mountName) : undefined;
};

/** A write as the spec states it: its request body (JSON or form) and its first 2xx body. */
function specWrite(
  { convert, src }: Converter,
  path: string,
  method: (typeof WRITE_METHODS)[number],
  item: Node,
): SpecWrite {
  const w = item[method] as Node;
  const base = `#/paths/${escapePointer(path)}/${method}`;
  const responses = isRecord(w.responses) ? w.responses : {};
  const statuses = Object.keys(responses).sort();
  const ok = statuses.find((st) => /^2/.test(st) && jsonBodyOf(responses[st]));
  const answer = ok ? jsonBodyOf(responses[ok]) : undefined;
  const body = isRecord(w.requestBody) ? w.requestBody : undefined;
  const request = requestBodyOf(body);
  const mount = mountOf(item);
  return {
    id: typeof w.operationId === 'string' ? w.operationId : `${method}:${path}`,
    method: method.toUpperCase() as WriteMethod,
    path,
    resource: resourceOf(path),
    statuses,
    ...(request
      ? {
          request: {
            ...convert(request.schema, `${base}/requestBody/content/${escapePointer(request.media)}/schema`),
            'x-source': src(`${base}/requestBody`),
          },
          requestEncoding: request.encoding,
        }
      : {}),
    requestRequired: body?.required === true,
    ...(ok && answer
      ? {
          response: {
            ...convert(
              answer.schema,
              `${base}/responses/${ok}/content/${escapePointer(answer.media)}/schema`,
            ),
            'x-source': src(`${base}/responses/${ok}`),
          },
        }
      : {}),
    ...(mount ? { mountName: mount } : {}),
  };
}

/**
 * A GET as an Operation: its documented success answer with a JSON body (a 200, or a redirect's
 * 302/307 that says where to go), and the first error body it documents; a GET with no such answer
 * is unmodelled, with the reason.
 */
function specRead(
  conv: Converter,
  path: string,
  item: Node,
): { op: Operation; error?: JsonSchema } | Unmodelled | undefined {
  const get = isRecord(item.get) ? item.get : undefined;
  if (!get) return undefined;
  const responses = isRecord(get.responses) ? get.responses : {};
  const ok = successOf(responses);
  const id = typeof get.operationId === 'string' ? get.operationId : undefined;
  if (!ok)
    return {
      id: id ?? `fetch:${path}`,
      method: 'GET',
      path,
      resource: resourceOf(path),
      reason: noJsonReason(responses),
    };
  const { convert, src } = conv;
  const base = `#/paths/${escapePointer(path)}/get`;
  const twilio = isRecord(item['x-twilio']) ? item['x-twilio'] : {};
  const response = convert(
    ok.schema,
    `${base}/responses/${ok.status}/content/${escapePointer(ok.media)}/schema`,
  );
  const shape = listShape(response, twilio.pathType === 'list');
  // A list is a page of items: the spec's pathType says so, or its envelope does. A "list" with
  // no array of items reads one thing (a settings document): an instance.
  const kind: OperationKind = shape && twilio.pathType !== 'instance' ? 'list' : 'instance';
  const schemas: OperationSchemas = {
    response: {
      ...response,
      title: typeof ok.schema.title === 'string' ? ok.schema.title : (response.title ?? String(id ?? path)),
      'x-source': src(`${base}/responses/${ok.status}`),
    },
    statuses: Object.keys(responses).sort(),
    ...paramSchemas(conv, base, Array.isArray(get.parameters) ? get.parameters : [], kind),
  };
  const mount = mountOf(item);
  const op: Operation = {
    id: id ?? `${kind}:${path}`,
    method: 'GET',
    path,
    kind,
    resource: resourceOf(path),
    pathParams: pathParamNames(path).map((n) => ({ name: n })),
    ...(kind === 'list' && shape ? { itemsKey: shape.itemsKey, envelope: shape.envelope } : {}),
    ...(mount ? { mountName: mount } : {}),
    ...(ok.status !== '200' ? { success: Number(ok.status) } : {}),
    ...(ok.media !== JSON_MEDIA ? { media: ok.media } : {}),
    schemas: { openapi: schemas },
  };
  const error = errorOf(conv, base, responses);
  return error ? { op, error } : { op };
}

/**
 * The answer a read documents for success: its first 2xx with a JSON body (200 first), else its
 * first redirect (3xx) with one (a download's 307 whose body says where the file is).
 */
function successOf(responses: Node): { status: string; schema: Node; media: string } | undefined {
  const statuses = Object.keys(responses).sort();
  for (const range of [/^2\d\d$/, /^3\d\d$/])
    for (const status of statuses.filter((st) => range.test(st))) {
      const body = jsonBodyOf(responses[status]);
      if (body) return { status, ...body };
    }
  return undefined;
}

/** Why a GET is no operation: what it documents instead of a JSON body for success. */
function noJsonReason(responses: Node): string {
  const said = Object.entries(responses)
    .filter(([status]) => /^[23]/.test(status))
    .map(([status, r]) => {
      const medias = Object.keys(isRecord(r) && isRecord(r.content) ? r.content : {});
      return `${status} ${medias.length ? medias.join(', ') : 'with no body'}`;
    });
  return `the spec documents no JSON body for its success or redirect answer (${said.length ? said.join('; ') : 'no success answer at all'}): nothing to judge it against`;
}

/** The first error body a read documents in application/json: Twilio's error (the model has one). */
function errorOf({ convert }: Converter, base: string, responses: Node): JsonSchema | undefined {
  for (const [status, r] of Object.entries(responses)) {
    const body = /^[45]/.test(status) ? jsonBodyOf(r, JSON_MEDIA) : undefined;
    if (body) return convert(body.schema, `${base}/responses/${status}/content/application~1json/schema`);
  }
  return undefined;
}

/** A GET's query and path parameters as object schemas (a list always has a query schema). */
function paramSchemas(
  { convert, resolveRef, src }: Converter,
  base: string,
  params: readonly unknown[],
  kind: OperationKind,
): Pick<OperationSchemas, 'query' | 'path'> {
  const out: Pick<OperationSchemas, 'query' | 'path'> = {};
  for (const where of ['query', 'path'] as const) {
    const schema: JsonSchema = { type: 'object', properties: {} };
    const required: string[] = [];
    params.forEach((raw, k) => {
      const p = isRecord(raw) && typeof raw.$ref === 'string' ? resolveRef(raw.$ref).node : raw;
      if (!isRecord(p) || p.in !== where || typeof p.name !== 'string') return;
      const at = `${base}/parameters/${k}`;
      const body = isRecord(p.schema) ? convert(p.schema, `${at}/schema`) : {};
      if (typeof p.description === 'string') body.description = p.description;
      (schema.properties as Record<string, JsonSchema>)[p.name] = { ...body, 'x-source': src(at) };
      if (p.required === true || where === 'path') required.push(p.name);
    });
    if (required.length) schema.required = required;
    if (where === 'query' ? kind === 'list' || required.length : Object.keys(schema.properties ?? {}).length)
      out[where] = { ...schema, 'x-source': src(`${base}/parameters`) };
  }
  return out;
}

/**
 * Allowed values a spec states only in prose: a string whose description lists two or more quoted
 * values ("('Web', 'Database', 'Text', 'File')", "one of the modes 'chat', 'email' or 'voice'").
 * An annotation (x-values), never enforced as an enum: it is how a valid request is built.
 */
export function valuesInDescription(node: Node): string[] | undefined {
  if (node.type !== 'string' || typeof node.description !== 'string' || Array.isArray(node.enum))
    return undefined;
  const values = [...node.description.matchAll(/'([^'\s][^']{0,40})'/g)].map((m) => m[1] as string);
  return values.length >= 2 || /\(\s*'[^']+'\s*\)/.test(node.description) ? [...new Set(values)] : undefined;
}

/**
 * A request body's schema and how it is sent: JSON (any `…json` media type) when the spec offers
 * it, else form-encoded (most Twilio products); undefined for any other media type.
 */
function requestBodyOf(
  body: Node | undefined,
): { schema: Node; media: string; encoding: RequestEncoding } | undefined {
  const content = isRecord(body?.content) ? body.content : {};
  const medias = Object.keys(content);
  const media =
    medias.find((m) => m === 'application/json') ??
    medias.find((m) => /[/+]json$/.test(m)) ??
    medias.find((m) => m === 'application/x-www-form-urlencoded');
  const entry = media ? content[media] : undefined;
  if (!media || !isRecord(entry) || !isRecord(entry.schema)) return undefined;
  return { schema: entry.schema, media, encoding: /json$/.test(media) ? 'json' : 'form' };
}

/**
 * A response's JSON body: its schema under application/json, else under the first other JSON media
 * type it documents (`application/scim+json`), or only under `only` when given.
 */
function jsonBodyOf(response: unknown, only?: string): { schema: Node; media: string } | undefined {
  const content = isRecord(response) && isRecord(response.content) ? response.content : {};
  const medias = Object.keys(content).filter((m) => {
    const entry = content[m];
    return (only ? m === only : isJsonMedia(m)) && isRecord(entry) && isRecord(entry.schema);
  });
  const media = medias.find((m) => m === JSON_MEDIA) ?? medias[0];
  const entry = media ? content[media] : undefined;
  return media && isRecord(entry) && isRecord(entry.schema) ? { schema: entry.schema, media } : undefined;
}

/** Fields of Twilio's list `meta` that tell a list page from an instance that has a `meta` field. */
const PAGE_META = ['key', 'next_page_url', 'page_size'];
/** API v2010's paging fields, beside the items. */
const PAGE_FLAT = ['next_page_uri', 'first_page_uri', 'page_size'];

/**
 * A list page holds one array of items beside its paging fields: under `meta` (v1 APIs), beside
 * the items (API v2010's `next_page_uri`, `page`, `page_size`…), or, for a list the spec calls one
 * (`declared`), none at all (a list served in one page).
 */
export function listShape(
  page: JsonSchema,
  declared = false,
): { itemsKey: string; envelope: Envelope } | undefined {
  const props = page.properties ?? {};
  const metaFields = Object.keys(props.meta?.properties ?? {});
  const envelope: Envelope | undefined = PAGE_META.some((f) => metaFields.includes(f))
    ? 'meta'
    : PAGE_FLAT.filter((f) => props[f]).length >= 2
      ? 'flat'
      : declared
        ? 'none'
        : undefined;
  if (!envelope) return undefined;
  const arrays = Object.entries(props).filter(([k, s]) => k !== 'meta' && schemaTypes(s).includes('array'));
  const [itemsKey, array] = arrays.length === 1 ? (arrays[0] as [string, JsonSchema]) : [];
  // With no paging, an array of strings (numbers…) is a field of one document, not a list of items.
  const items = array?.items ?? {};
  const scalar = schemaTypes(items).length > 0 && !schemaTypes(items).includes('object') && !items.properties;
  if (envelope === 'none' && scalar) return undefined;
  return itemsKey ? { itemsKey, envelope } : undefined;
}

/**
 * Twilio names the shape of an object or array with `format` (`uri-map`, `phone-number-capabilities`,
 * `ice-server`…), which JSON Schema only defines for strings and numbers: kept as `x-twilio-format`.
 */
function shapeFormat(schema: JsonSchema): JsonSchema {
  if (schema.format === undefined) return schema;
  const types = schemaTypes(schema);
  if (types.some((t) => t === 'string' || t === 'number' || t === 'integer')) return schema;
  const { format, ...rest } = schema;
  return { ...rest, 'x-twilio-format': format };
}

/**
 * Links by Twilio's naming: a `…uri` field is a path on the API's host (a URI reference), a `…url`
 * field an absolute URL; a `uri-map` is an object of such links.
 */
function linkFormat(name: string, schema: JsonSchema): JsonSchema {
  const link = isRelativeLinkName(name) ? 'uri-reference' : 'uri';
  if (schema.format === 'uri' && link !== 'uri') return { ...schema, format: link };
  if (schema['x-twilio-format'] === 'uri-map' && schema.additionalProperties === undefined)
    return { ...schema, additionalProperties: { type: 'string', format: link } };
  return schema;
}

/** A schema that also takes null (OpenAPI 3.0's `nullable`): its type, and its enum when it has one. */
function nullable(schema: JsonSchema): JsonSchema {
  const types = schemaTypes(schema);
  const out = types.length === 0 || types.includes('null') ? schema : { ...schema, type: [...types, 'null'] };
  return Array.isArray(out.enum) && !out.enum.includes(null) ? { ...out, enum: [...out.enum, null] } : out;
}

/**
 * Twilio's generator hints on a node: `x-twilio.overrideType` is the type on the wire (a price the
 * spec calls a number is sent as the string "0.05"), `x-twilio.ignoreFormat` drops the format.
 */
function wireType(schema: JsonSchema, node: Node): JsonSchema {
  const hints = isRecord(node['x-twilio']) ? node['x-twilio'] : {};
  let out = schema;
  if (typeof hints.overrideType === 'string') {
    const { format: _f, minimum: _min, maximum: _max, ...rest } = out;
    out = { ...rest, type: hints.overrideType };
  }
  if (hints.ignoreFormat === true && out.format !== undefined) {
    const { format: _f, ...rest } = out;
    out = rest;
  }
  return out;
}

/**
 * oneOf/anyOf branches as one schema: every branch's properties (a name in several, the first
 * branch's), required where all require it, every branch's types.
 */
function mergeAny(parts: readonly JsonSchema[]): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.properties ?? {})) properties[k] ??= v;
  const required = (parts[0]?.required ?? []).filter((r) => parts.every((p) => p.required?.includes(r)));
  const types = [...new Set(parts.flatMap((p) => schemaTypes(p)))];
  return {
    ...(Object.keys(properties).length ? { properties } : {}),
    ...(required.length ? { required } : {}),
    ...(types.length && parts.every((p) => schemaTypes(p).length)
      ? { type: types.length === 1 ? (types[0] as string) : types }
      : {}),
  };
}

/** allOf parts merged: properties and required are united; other keywords, the later part wins. */
function mergeAll(a: JsonSchema, b: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...a, ...b };
  if (a.properties || b.properties) out.properties = { ...(a.properties ?? {}), ...(b.properties ?? {}) };
  if (a.required || b.required) out.required = [...new Set([...(a.required ?? []), ...(b.required ?? [])])];
  return out;
}

const camel = (snake: string): string => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
