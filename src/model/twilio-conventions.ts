// What Twilio's APIs do that a single resource page or spec node does not restate: the list
// envelope (`meta` beside the items array; API v2010's paging fields beside the items, with links
// relative to the host), the error body, how `*_uri` and `*_url` fields differ, the default page
// size. Each piece carries provenance that says it comes from the convention, so a reader can tell
// it apart from what the page itself said.

import type { JsonSchema, Provenance } from './json-schema';

const ENVELOPE: Provenance = {
  source: 'twilio-convention',
  note: 'Twilio list envelope: `meta` describes the page; twilio-node reads the items from payload[meta.key]',
};
const ERROR: Provenance = {
  source: 'twilio-convention',
  note: 'Twilio REST error body (https://www.twilio.com/docs/usage/twilios-response): code, message, more_info, status',
};

const url = (description: string, nullable = false): JsonSchema => ({
  type: nullable ? ['string', 'null'] : 'string',
  format: 'uri',
  description,
});

/** `meta` of a list page; `next_page_url` / `previous_page_url` are null at either end. */
export function listMetaProperties(): Record<string, JsonSchema> {
  return {
    first_page_url: url('URL of the first page of this list.'),
    key: { type: 'string', description: 'Name of the property that holds the page items.' },
    next_page_url: url('URL of the next page; null on the last page.', true),
    page: { type: 'integer', minimum: 0, description: 'Index of this page, counting from 0.' },
    page_size: { type: 'integer', minimum: 1, description: 'The PageSize this page was built with.' },
    previous_page_url: url('URL of the previous page; null on the first page.', true),
    url: url('URL of this page.'),
  };
}

export const LIST_ENVELOPE_PROVENANCE = ENVELOPE;

/** Fields of Twilio's list `meta` that tell a list page from an instance that has a `meta` field (a tool's). */
export const PAGE_META_FIELDS = ['key', 'next_page_url', 'page_size'] as const;

/** A body that is a list page: a paging `meta` beside the items (an example output, a response). */
export function isListPageValue(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const meta = (value as Record<string, unknown>).meta;
  return typeof meta === 'object' && meta !== null && PAGE_META_FIELDS.some((f) => Object.hasOwn(meta, f));
}
/** What Twilio serves when no PageSize is sent (a spec's own default wins; never above its maximum). */
export const DEFAULT_PAGE_SIZE = 50;

/**
 * The page size a list serves when no PageSize is sent: the PageSize schema's default, else
 * Twilio's 50 within the schema's bounds (a list whose maximum is 5 serves 5).
 */
export function defaultPageSize(pageSize: JsonSchema | undefined): number {
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  const min = num(pageSize?.minimum) ?? 1;
  const max = num(pageSize?.maximum) ?? Number.MAX_SAFE_INTEGER;
  return num(pageSize?.default) ?? Math.max(min, Math.min(DEFAULT_PAGE_SIZE, max));
}

/** Where a list's paging fields are: under `meta` (v1 APIs), beside the items (API v2010), or none. */
export type Envelope = 'meta' | 'flat' | 'none';

/** The paging fields of a list page, by what they mean. */
export interface PagingFields {
  next: string;
  previous: string;
  first: string;
  /** The page's own address. */
  url: string;
  page: string;
  pageSize: string;
  /** The name of the items array (v1's meta.key). */
  key?: string;
}

/** Each envelope's field names. v2010's links are paths on the API's host, not absolute URLs. */
export const PAGING_FIELDS: Record<Exclude<Envelope, 'none'>, PagingFields> = {
  meta: {
    next: 'next_page_url',
    previous: 'previous_page_url',
    first: 'first_page_url',
    url: 'url',
    page: 'page',
    pageSize: 'page_size',
    key: 'key',
  },
  flat: {
    next: 'next_page_uri',
    previous: 'previous_page_uri',
    first: 'first_page_uri',
    url: 'uri',
    page: 'page',
    pageSize: 'page_size',
  },
};

export const envelopeOf = (op: { envelope?: Envelope }): Envelope => op.envelope ?? 'meta';

/** A list whose pages link to each other (not a list served in one page). */
export const isPaged = (op: { kind: string; envelope?: Envelope }): boolean =>
  op.kind === 'list' && envelopeOf(op) !== 'none';

/** A list page read through its envelope: each paging field's value and its JSON pointer. */
export interface PageView {
  envelope: Exclude<Envelope, 'none'>;
  names: PagingFields;
  get(field: keyof PagingFields): unknown;
  pointer(field: keyof PagingFields): string;
  /** How a message names it: meta.page_size, or API v2010's page_size. */
  label(field: keyof PagingFields): string;
  /** The next page's address as sent (absolute), or undefined on the last page or when it is not a string. */
  nextUrl(base: string): string | undefined;
}

/** The paging fields of a page of `op` (an object body; an envelope field absent reads undefined). */
export function pageView(op: { envelope?: Envelope }, body: unknown): PageView {
  const envelope = envelopeOf(op) === 'flat' ? 'flat' : 'meta';
  const names = PAGING_FIELDS[envelope];
  const record = (v: unknown): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const holder = envelope === 'meta' ? record(record(body).meta) : record(body);
  const prefix = envelope === 'meta' ? '/meta/' : '/';
  const get = (field: keyof PagingFields) => {
    const name = names[field];
    return name === undefined ? undefined : holder[name];
  };
  return {
    envelope,
    names,
    get,
    pointer: (field) => `${prefix}${names[field] ?? field}`,
    label: (field) => `${envelope === 'meta' ? 'meta.' : ''}${names[field] ?? field}`,
    nextUrl: (base) => {
      const next = get('next');
      if (typeof next !== 'string') return undefined;
      try {
        return new URL(next, `${base.replace(/\/+$/, '')}/`).toString();
      } catch {
        return next;
      }
    },
  };
}

/** The envelope fields of a page: what a list page holds beside its items. */
export const envelopeFieldNames = (envelope: Envelope): string[] =>
  envelope === 'flat'
    ? ['end', 'start', ...Object.values(PAGING_FIELDS.flat)]
    : envelope === 'meta'
      ? ['meta']
      : [];

/**
 * Twilio names a link that is a path on the API's host `…uri` (API v2010's `uri`,
 * `subresource_uris`), and an absolute link `…url`: a `uri`-format field named so is a URI reference.
 */
export const isRelativeLinkName = (name: string): boolean => /(^|_)uris?$/.test(name);

export function twilioErrorSchema(): JsonSchema {
  return {
    type: 'object',
    title: 'Twilio error',
    description: 'The body Twilio returns with a 4xx or 5xx status.',
    properties: {
      code: { type: 'integer', description: 'Twilio error code.', 'x-source': ERROR },
      message: { type: 'string', description: 'What went wrong, for people.', 'x-source': ERROR },
      more_info: {
        type: 'string',
        format: 'uri',
        description: 'Link to the error code page.',
        'x-source': ERROR,
      },
      status: {
        type: 'integer',
        minimum: 400,
        maximum: 599,
        description: 'The HTTP status.',
        'x-source': ERROR,
      },
    },
    required: ['code', 'message', 'more_info', 'status'],
    'x-source': ERROR,
  };
}

/** camelCase or PascalCase to Twilio's snake_case field names (`sessionId` → `session_id`). */
export const snakeCase = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** Twilio's query parameters are PascalCase (`pageSize` → `PageSize`, `assistantId` → `AssistantId`). */
export const pascalCase = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Where a name stands, which decides how the API spells it. */
export type NameRole = 'field' | 'query' | 'path' | 'body';

/**
 * A name as the API spells it, from a page that spells it in camelCase (the newer docs layout):
 * response fields and JSON body fields in snake_case, query parameters and form-encoded body fields
 * in PascalCase; path parameters are the URL template's own names and stay as they are.
 */
export function apiName(name: string, role: NameRole, encoding?: string): string {
  if (role === 'path') return name;
  if (role === 'query') return pascalCase(name);
  if (role === 'body' && encoding !== undefined && /x-www-form-urlencoded/i.test(encoding))
    return pascalCase(name);
  return snakeCase(name);
}

/** A plural name in the singular, as Twilio forms it (policies → policy, tools → tool). */
export const singular = (s: string): string => s.replace(/ies$/, 'y').replace(/s$/, '');

/** Twilio names a list's items key after the path's last segment, in snake_case. */
export function itemsKeyFromPath(path: string): string {
  const segment = path.split('/').filter(Boolean).at(-1) ?? 'items';
  return snakeCase(segment).replace(/[^a-z0-9]+/g, '_');
}

const PROCESSING = /process|queue|pending|progress|running/i;
const DONE = /complete|ready|succe|done|active|finished/i;

/**
 * Fields of a resource processed asynchronously (a knowledge source): those whose listed values
 * tell processing from done ("('QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED')"), with the two
 * values. The provider moves them; rules expect them to move between two reads.
 */
export function processingFields(schema: JsonSchema): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  for (const [name, s] of Object.entries(schema.properties ?? {})) {
    const values = (s['x-values'] as string[] | undefined) ?? [];
    const busy = values.find((v) => PROCESSING.test(v));
    const done = values.find((v) => DONE.test(v));
    if (busy && done) out.push([name, busy, done]);
  }
  return out;
}

/**
 * Twilio answers `null` for a value it has none for (an assistant's unset owner, a feedback's score
 * its request left out), whatever type the spec gives it: every response field typed string, number
 * or integer alone, without a pattern, also takes null (marked `x-unset`). A pattern names an
 * identifier (an id, an account SID): never unset. Booleans, objects and arrays keep their type.
 */
export function withUnsetStrings(schema: JsonSchema, depth = 0): JsonSchema {
  if (depth > 16) return schema;
  const out: JsonSchema = { ...schema };
  if (schema.items) out.items = withUnsetStrings(schema.items, depth + 1);
  if (schema.properties) {
    const props: Record<string, JsonSchema> = {};
    for (const [name, child] of Object.entries(schema.properties))
      props[name] = unsetString(withUnsetStrings(child, depth + 1));
    out.properties = props;
  }
  return out;
}

function unsetString(s: JsonSchema): JsonSchema {
  const scalar = s.type === 'string' || s.type === 'number' || s.type === 'integer';
  if (!scalar || s.pattern !== undefined || s.const !== undefined) return s;
  return {
    ...s,
    type: [s.type as string, 'null'],
    ...(s.enum ? { enum: [...s.enum, null] } : {}),
    'x-unset': 'null (Twilio answers null for a value it has none for)',
  };
}

/**
 * The field of an answer that echoes a request field: the same name (JSON APIs), else its snake_case
 * (a form's `FriendlyName` comes back as `friendly_name`); undefined when the answer has neither.
 */
export function echoField(response: JsonSchema | undefined, field: string): string | undefined {
  const props = response?.properties ?? {};
  if (Object.hasOwn(props, field)) return field;
  const snake = snakeCase(field);
  return Object.hasOwn(props, snake) ? snake : undefined;
}

/** A path parameter and the field of an answer named after it. */
export interface ScopeField {
  param: string;
  field: string;
}

/**
 * The fields in which Twilio's answers show the path they were asked at: an identifier parameter
 * ({ServiceSid}, {DomainSid}, {sessionId}) named in snake_case (service_sid, domain_sid, session_id)
 * holds the value the path names, in a fetched item and in every item of a list. Generic names
 * ({Sid}, {id}: the item's own or an unnamed parent's) and the items' own id field are left out;
 * so are parameters that are no identifier ({PhoneNumber}, {IsoCountry}: Twilio normalises them).
 */
export function scopeFields(
  pathParams: readonly string[],
  instance: JsonSchema | undefined,
  ownId: string | undefined,
): ScopeField[] {
  const props = instance?.properties ?? {};
  return pathParams
    .filter((param) => /(Sid|Id)$/.test(param))
    .map((param) => ({ param, field: snakeCase(param) }))
    .filter(
      ({ field }) => field !== 'sid' && field !== 'id' && field !== ownId && props[field] !== undefined,
    );
}
