// The resource model: one descriptor per GET operation, built from the sources (the OpenAPI spec and
// every docs page). Everything below this stage reads operations as data: no code names a resource
// or a path. A descriptor says how to call the operation (path template, which list supplies each
// path parameter), what its list pages look like (items key, query schema with its bounds), which
// fetch pairs with a list, and each source's schemas for the 200 body.

import type { JsonValue } from '../json';
import type { JsonSchema } from './json-schema';
import type { Envelope } from './twilio-conventions';

export type Origin = 'docs' | 'openapi';
export const ORIGINS: readonly Origin[] = ['docs', 'openapi'];
export const ORIGIN_LABEL: Record<Origin, string> = { docs: 'docs table', openapi: 'openapi spec' };

export type OperationKind = 'list' | 'instance';

export interface PathParam {
  name: string;
  /** The list whose items supply this parameter's value, and the item field that holds it. */
  from?: { operation: string; field: string };
}

/** What one source says about one operation. */
export interface OperationSchemas {
  /** The 200 body: the instance, or the list page (envelope and items). */
  response: JsonSchema;
  /** Query parameters, as an object schema (Page, PageSize, PageToken, filters). */
  query?: JsonSchema;
  /** Path parameters, as an object schema. */
  path?: JsonSchema;
  /** HTTP statuses the source documents. */
  statuses?: string[];
}

export interface DocsExample {
  file: string;
  line: number;
  value: JsonValue;
}

export interface Operation {
  /** The spec's operationId, or one made from the path for a docs-only operation. */
  id: string;
  method: 'GET';
  path: string;
  kind: OperationKind;
  /** The resource group for reports: the first static segment after the version ("Sessions"). */
  resource: string;
  pathParams: PathParam[];
  /** The array that holds a list page's items. */
  itemsKey?: string;
  /**
   * A list: where its paging fields are (Twilio's conventions, src/model/twilio-conventions.ts):
   * under `meta` (absent means this), beside the items (API v2010), or none (a list in one page).
   */
  envelope?: Envelope;
  /** A list: the item field that identifies an item (what fills a child path's parameter). */
  idField?: string;
  /** A list: the fetch of one of its items. A fetch: the list its id comes from. */
  pairsWith?: string;
  /** twilio-node's accessor for the last path segment (x-twilio.mountName, camel-cased), when the spec names one. */
  mountName?: string;
  /**
   * The status of the answer the spec documents for it when it is not 200: a redirect (302, 307)
   * whose JSON body says where to go (a download's `redirect_to`). Absent: 200.
   */
  success?: number;
  /** The media type of that answer when it is not application/json (`application/scim+json`). */
  media?: string;
  schemas: Partial<Record<Origin, OperationSchemas>>;
  /** The docs' example outputs: evidence for triangulation, not a contract. */
  examples?: DocsExample[];
}

/**
 * A GET of the spec the model cannot hold: no answer it documents for success has a JSON body
 * (a file, a CSV export, a redirect with no body). Named with the reason wherever coverage is.
 */
export interface Unmodelled {
  id: string;
  method: 'GET';
  path: string;
  resource: string;
  reason: string;
}

/** The status a conforming read answers: the documented one (a redirect's 302 or 307), else 200. */
export const successStatus = (op: Pick<Operation, 'success'>): number => op.success ?? 200;

/** The media type a conforming read's answer declares: the documented one, else application/json. */
export const successMedia = (op: Pick<Operation, 'media'>): string => op.media ?? JSON_MEDIA;

export const JSON_MEDIA = 'application/json';

/**
 * A media type that is JSON: application/json or any structured `+json` type
 * (`application/scim+json`), with or without parameters (`; charset=utf-8`).
 */
export const isJsonMedia = (media: string): boolean =>
  /^application\/(?:[\w.!#$&^-]+\+)?json\s*(?:;|$)/i.test(media.trim());

/** A media type without its parameters, in lower case: `application/scim+json; charset=utf-8` → `application/scim+json`. */
export const mediaEssence = (media: string): string => (media.split(';')[0] ?? '').trim().toLowerCase();

/** "GET /v1/Sessions/{id}": how findings and reports name an operation. */
export const operationLabel = (op: Pick<Operation, 'method' | 'path'>): string => `${op.method} ${op.path}`;

/**
 * A path with its parameter names and API v2010's `.json` suffix erased, so /v1/Sessions/{id} and
 * /v1/Sessions/{sessionId} compare equal, and /2010-04-01/Accounts.json is where
 * /2010-04-01/Accounts/{Sid}.json's list is.
 */
export const pathShape = (path: string): string => path.replace(/\{[^}]+\}/g, '{}').replace(/\.json$/, '');

export const pathParamNames = (path: string): string[] =>
  [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);

/**
 * A value that can stand in a path as one segment: not empty, and not `.` or `..`, which a URL
 * resolves into another path (an id `..` would send a DELETE to the parent resource).
 */
export const isPathValue = (v: string): boolean => v !== '' && v !== '.' && v !== '..';

/** The path with every parameter filled in (each value URL-encoded as one segment). */
export function fillPath(path: string, values: Readonly<Record<string, string>>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for path parameter ${name} of ${path}`);
    if (!isPathValue(v))
      throw new Error(`refused ${JSON.stringify(v)} as ${name} of ${path}: not one path segment`);
    return encodeURIComponent(v);
  });
}

/**
 * Path values for the path `to`, from values named for the path `from` of the same resource: each of
 * `to`'s parameters by its own name, else by position (a write's {id} is its nested list's {assistantId}).
 */
export function alignValues(
  from: string,
  values: Readonly<Record<string, string>>,
  to: string,
): Record<string, string> {
  const names = pathParamNames(from);
  const out: Record<string, string> = {};
  pathParamNames(to).forEach((name, k) => {
    const v = values[name] ?? (names[k] !== undefined ? values[names[k] as string] : undefined);
    if (v !== undefined) out[name] = v;
  });
  return out;
}

/** The filled path, or undefined when a parameter has no value (what cannot be read is not judged, never a crash). */
export function tryFillPath(path: string, values: Readonly<Record<string, string>>): string | undefined {
  return pathParamNames(path).every((n) => values[n] !== undefined && isPathValue(values[n] as string))
    ? fillPath(path, values)
    : undefined;
}

/** A regex that matches a filled path and captures each parameter, in order. */
export function pathMatcher(path: string): RegExp {
  const source = path
    .split(/(\{[^}]+\})/)
    .map((part) => (/^\{[^}]+\}$/.test(part) ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/**
 * The first static segment after the version, or after a scope every path shares (API v2010's
 * /2010-04-01/Accounts/{AccountSid}: `scope` is its number of segments): what a report groups
 * operations by ("Sessions", "Messages").
 */
export function resourceOf(path: string, scope = 0): string {
  const parts = path
    .replace(/\.json$/, '')
    .split('/')
    .filter(Boolean);
  const from = scope > 0 && parts.length > scope ? scope : 1;
  return parts.find((p, k) => k >= from && !p.startsWith('{')) ?? parts[0] ?? path;
}

export const schemasOf = (op: Operation): OperationSchemas[] =>
  Object.values(op.schemas).filter((s): s is OperationSchemas => s !== undefined);

/** The item schema of a list page, in a given source. */
export function itemSchema(op: Operation, origin: Origin): JsonSchema | undefined {
  const response = op.schemas[origin]?.response;
  return op.itemsKey ? response?.properties?.[op.itemsKey]?.items : undefined;
}

/** The instance schema: a fetch's body, or one item of a list page. */
export function instanceSchema(op: Operation, origin: Origin): JsonSchema | undefined {
  return op.kind === 'list' ? itemSchema(op, origin) : op.schemas[origin]?.response;
}

/** The field that identifies the operation's items: a list's id field, or the list field a fetch's id is read from. */
export const identifyingField = (op: Operation): string | undefined =>
  op.kind === 'list' ? op.idField : op.pathParams.at(-1)?.from?.field;

/** Every query parameter any source documents, merged (the first source's schema wins per parameter). */
export function queryParams(op: Operation): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const s of schemasOf(op))
    for (const [name, schema] of Object.entries(s.query?.properties ?? {})) out[name] ??= schema;
  return out;
}
