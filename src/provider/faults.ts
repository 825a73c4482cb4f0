// Named, realistic ways the reference provider can be broken, each one a drift or bug seen in real
// APIs, parameterised by operation: a fault applies to every operation whose schema gives it
// something to break (a date-time field, a boolean, a SID pattern, a list…), and can be switched on
// for one operation (`name@OperationId`). Tests, the mutation score and `npm run provider -- --fault`
// use them to prove every rule can fail.

import type { ServerResponse } from 'node:http';
import { type JsonSchema, schemaTypes } from '../model/json-schema';
import { identifyingField, type Operation } from '../model/operation';
import type { WriteOperation } from '../model/writes';

export type Route = 'fetch' | 'list' | 'not-found' | 'bad-request' | 'unauthorized' | 'write';

export interface ProviderResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ListPage {
  meta: Record<string, unknown>;
  [itemsKey: string]: unknown;
}

/** Which slice of the list a page serves and where its links point, before faults bend it. */
export interface PageWindow {
  count: number;
  pageSize: number;
  page: number;
  offset: number;
  end: number;
  /** Offset the next / previous link leads to; null for no link. */
  next: number | null;
  previous: number | null;
  /** Page index the next link carries. */
  nextPage: number;
  status: number;
}

type Item = Record<string, unknown>;

export interface Fault {
  name: string;
  description: string;
  /** The rule expected to catch it. */
  caughtBy: string;
  /** Whether this operation (with its instance schema) gives the fault something to break. */
  appliesTo(op: Operation, instance: JsonSchema): boolean;
  /** `written`: a write made or changed this item (a faithful variant leaves what a client set alone). */
  item?(item: Item, route: 'fetch' | 'list', instance: JsonSchema, op: Operation, written?: boolean): Item;
  page?(page: ListPage, itemsKey: string): ListPage;
  /** Items served beyond PageSize on every non-last page. */
  extraItems?: number;
  acceptsPageSize?(size: number, bounds: { min: number; max: number }): boolean;
  window?(w: PageWindow): PageWindow;
  /** Takes over the socket for a route (transport-level faults); returns true when it answered. */
  raw?(route: Route, res: ServerResponse, response: ProviderResponse): boolean;
  /** Serves whatever offset a PageToken's payload names, signature or not. */
  acceptsTamperedTokens?: boolean;
  skipsAuth?: boolean;
  respond?(response: ProviderResponse, route: Route): ProviderResponse;
  /** A write fault: the writes it applies to, and how it bends them (reads are left alone). */
  appliesToWrite?(w: WriteOperation): boolean;
  write?: WriteBend;
}

/** How a write fault bends a write (src/provider/writes.ts consults it). */
export interface WriteBend {
  /** Answers another success status. */
  status?(w: WriteOperation, status: number): number;
  /** Answers success but leaves the store as it was. */
  noEffect?: boolean;
  /** An update also changes a field it was not sent. */
  touchesOther?: boolean;
  /** A 204 carries a JSON body. */
  bodyOn204?: boolean;
  /** The request-schema keywords it does not enforce. */
  accepts?: readonly string[];
  /** The success body loses a field the spec requires. */
  dropsRequired?: boolean;
  /** A send makes nothing it names. */
  namesNothing?: boolean;
}

const isList = (op: Operation) => op.kind === 'list';
const hasPageSize = (op: Operation) =>
  isList(op) && Object.values(op.schemas).some((s) => s?.query?.properties?.PageSize !== undefined);
const always = () => true;

/** The first field of the instance schema that satisfies `test`, in schema order. */
export function fieldWhere(
  instance: JsonSchema,
  test: (s: JsonSchema, name: string) => boolean,
): string | undefined {
  return Object.entries(instance.properties ?? {}).find(([name, s]) => test(s, name))?.[0];
}

const withField =
  (test: (s: JsonSchema, name: string) => boolean) => (_op: Operation, instance: JsonSchema) =>
    fieldWhere(instance, test) !== undefined;

const edit =
  (test: (s: JsonSchema, name: string) => boolean, change: (value: unknown, s: JsonSchema) => unknown) =>
  (item: Item, _route: 'fetch' | 'list', instance: JsonSchema): Item => {
    const field = fieldWhere(instance, test);
    if (field === undefined || !Object.hasOwn(item, field)) return item;
    return { ...item, [field]: change(item[field], instance.properties?.[field] as JsonSchema) };
  };

/** Leaves out the field `pick` chooses from the instance schema. */
const drop =
  (pick: (instance: JsonSchema) => string | undefined) =>
  (item: Item, _route: 'fetch' | 'list', instance: JsonSchema): Item => {
    const field = pick(instance);
    if (field === undefined) return item;
    const { [field]: _dropped, ...rest } = item;
    return rest;
  };

/** The first required field of the instance that `test` accepts: leaving out an optional one breaks nothing. */
const requiredWhere =
  (test: (s: JsonSchema) => boolean) =>
  (instance: JsonSchema): string | undefined =>
    instance.required?.find((r) => instance.properties?.[r] && test(instance.properties[r] as JsonSchema));

/** A pattern that fixes a literal prefix: ^AC[0-9a-fA-F]{32}$, ^aia_asst_.+$ … */
const PREFIXED = /^\^([A-Za-z][A-Za-z_]*)/;
const prefixOf = (s: JsonSchema): string | undefined =>
  s.pattern ? PREFIXED.exec(s.pattern)?.[1] : undefined;
const isPrefixedId = (s: JsonSchema) => typeof s.pattern === 'string' && (prefixOf(s)?.length ?? 0) >= 2;
const isDateTime = (s: JsonSchema) => s.format === 'date-time';
const isBoolean = (s: JsonSchema) => schemaTypes(s).includes('boolean');
const isArray = (s: JsonSchema) => schemaTypes(s).includes('array');
const requiredScalar = requiredWhere((s) => !isArray(s));
const requiredArray = requiredWhere(isArray);
const hasMaximum = (s: JsonSchema) => typeof s.maximum === 'number' || typeof s.maxLength === 'number';

const twilioError = (status: number, code: number, message: string) =>
  JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

const never = () => false;
const writeFault = (
  name: string,
  description: string,
  caughtBy: string,
  applies: (w: WriteOperation) => boolean,
  write: WriteBend,
): Fault => ({ name, description, caughtBy, appliesTo: never, appliesToWrite: applies, write });
const action =
  (...actions: WriteOperation['action'][]) =>
  (w: WriteOperation) =>
    actions.includes(w.action);

function writeFaults(): Fault[] {
  return [
    writeFault(
      'create-answers-200',
      'a create answers 200 instead of 201',
      'write.status',
      (w) => w.action === 'create' && w.success.includes(201),
      {
        status: () => 200,
      },
    ),
    writeFault(
      'no-content-answers-200',
      'a delete, attach or detach answers 200 instead of 204',
      'write.status',
      (w) => w.success.includes(204),
      {
        status: () => 200,
      },
    ),
    writeFault(
      'created-not-kept',
      'a create answers success but keeps nothing: not listed, not fetchable',
      'write.create-readable',
      action('create'),
      {
        noEffect: true,
      },
    ),
    writeFault(
      'update-ignored',
      'an update answers success but changes nothing',
      'write.update-applied',
      action('update'),
      { noEffect: true },
    ),
    writeFault(
      'update-touches-other',
      'an update also changes a field it was not sent',
      'write.update-applied',
      action('update'),
      {
        touchesOther: true,
      },
    ),
    writeFault(
      'delete-leaves-item',
      'a delete answers 204 but the item stays',
      'write.delete-gone',
      action('delete'),
      { noEffect: true },
    ),
    writeFault(
      'body-on-204',
      'a 204 carries a JSON body',
      'write.no-content',
      (w) => w.success.includes(204),
      { bodyOn204: true },
    ),
    writeFault(
      'attach-not-reflected',
      'an attach answers 204 but the nested list does not show the item',
      'write.attach-listed',
      action('attach'),
      {
        noEffect: true,
      },
    ),
    writeFault(
      'send-makes-nothing',
      'a message answers 200 but creates no session and no messages',
      'write.send-effect',
      action('send'),
      {
        namesNothing: true,
      },
    ),
    writeFault(
      'accepts-missing-required',
      'a body without a required field is accepted',
      'write.refuses-invalid',
      (w) => (w.request?.required?.length ?? 0) > 0,
      {
        accepts: ['required'],
      },
    ),
    writeFault(
      'accepts-wrong-type',
      'a field of the wrong type is accepted',
      'write.refuses-invalid',
      (w) => Object.keys(w.request?.properties ?? {}).length > 0,
      {
        accepts: ['type'],
      },
    ),
    writeFault(
      'write-drops-required',
      "a write's success body lacks a field the spec requires",
      'write.schema',
      (w) => (w.response?.required?.length ?? 0) > 0,
      {
        dropsRequired: true,
      },
    ),
  ];
}

export const FAULTS: readonly Fault[] = [
  {
    name: 'missing-field',
    description: 'items lose a field a source requires',
    caughtBy: 'response.fields-present',
    appliesTo: (_op, instance) => requiredScalar(instance) !== undefined,
    item: drop(requiredScalar),
  },
  {
    name: 'missing-array',
    description: 'items lose their first required array field (e.g. an item without the list it documents)',
    caughtBy: 'response.fields-present',
    appliesTo: (_op, instance) => requiredArray(instance) !== undefined,
    item: drop(requiredArray),
  },
  {
    name: 'wrong-type',
    description: 'a boolean field is serialised as the string "true"/"false"',
    caughtBy: 'response.schema',
    appliesTo: withField(isBoolean),
    item: edit(isBoolean, (v) => String(v)),
  },
  {
    name: 'wrong-id-prefix',
    description: 'a prefixed id or SID (AC…, aia_asst_…) comes with its prefix lower- or upper-cased wrongly',
    caughtBy: 'response.schema',
    appliesTo: withField(isPrefixedId),
    item: edit(isPrefixedId, (v, s) => {
      const prefix = prefixOf(s) ?? '';
      const swapped = prefix === prefix.toLowerCase() ? prefix.toUpperCase() : prefix.toLowerCase();
      return typeof v === 'string' ? swapped + v.slice(prefix.length) : v;
    }),
  },
  {
    name: 'non-iso-date',
    description: 'a date-time in RFC 2822 ("Mon, 01 Jan 2024 00:00:00 +0000") as the 2010 API does',
    caughtBy: 'response.schema',
    appliesTo: withField(isDateTime),
    item: edit(isDateTime, (v) =>
      typeof v === 'string' ? new Date(v).toUTCString().replace('GMT', '+0000') : v,
    ),
  },
  {
    name: 'above-maximum',
    description:
      'a bounded field goes past its maximum (a number one above, a string one character too long)',
    caughtBy: 'response.schema',
    appliesTo: withField(hasMaximum),
    item: edit(hasMaximum, (v, s) =>
      typeof s.maximum === 'number'
        ? s.maximum + 1
        : `${String(v)}${'x'.repeat(Math.max(1, (s.maxLength ?? 0) - String(v).length + 1))}`,
    ),
  },
  {
    name: 'wrong-meta-key',
    description: 'meta.key is "key" (as in the docs example), so clients find no items',
    caughtBy: 'list.meta-key',
    appliesTo: isList,
    page: (p) => ({ ...p, meta: { ...p.meta, key: 'key' } }),
  },
  {
    name: 'renamed-items-key',
    description:
      'the items array is renamed to "items" (meta.key follows), breaking clients generated from the spec',
    caughtBy: 'list.meta-key',
    appliesTo: isList,
    page: (p, key) => {
      const { [key]: items, meta, ...rest } = p;
      return { ...rest, items, meta: { ...meta, key: 'items' } } as ListPage;
    },
  },
  {
    name: 'page-size-not-echoed',
    description: 'meta.page_size is always 50 whatever PageSize was asked for',
    caughtBy: 'list.page-size',
    appliesTo: hasPageSize,
    page: (p) => ({ ...p, meta: { ...p.meta, page_size: 50 } }),
  },
  {
    name: 'items-beyond-page-size',
    description: 'every page but the last carries one item more than PageSize',
    caughtBy: 'list.page-size',
    appliesTo: hasPageSize,
    extraItems: 1,
  },
  {
    name: 'relative-next-page-url',
    description: 'next_page_url is a relative path ("/v1/…?…")',
    caughtBy: 'list.page-urls',
    appliesTo: isList,
    page: (p) => ({ ...p, meta: { ...p.meta, next_page_url: relative(p.meta.next_page_url) } }),
  },
  {
    name: 'url-other-host',
    description: 'meta.url names an internal host instead of the public one',
    caughtBy: 'list.page-urls',
    appliesTo: isList,
    page: (p) => ({
      ...p,
      meta: { ...p.meta, url: String(p.meta.url).replace(/^https?:\/\/[^/]+/, 'http://internal-lb.invalid') },
    }),
  },
  {
    name: 'fetch-list-mismatch',
    description: 'a fetched item shows another value than its list entry (stale cache)',
    caughtBy: 'fetch.matches-list',
    appliesTo: (op, instance) =>
      op.kind === 'instance' && op.pairsWith !== undefined && instance.properties !== undefined,
    item: (item, route, instance) => {
      if (route !== 'fetch') return item;
      const field = fieldWhere(
        instance,
        (s, name) => schemaTypes(s).includes('string') && !s.pattern && !s.format && !s.enum && name in item,
      );
      return field ? { ...item, [field]: `${String(item[field])}_stale` } : item;
    },
  },
  {
    name: 'html-404',
    description: 'an unknown id gets a proxy HTML 404 page instead of a Twilio error body',
    caughtBy: 'fetch.unknown-id',
    appliesTo: (op) => op.pathParams.length > 0,
    respond: (r, route) =>
      route === 'not-found'
        ? {
            status: 404,
            headers: { 'content-type': 'text/html' },
            body: '<html><body><h1>404 Not Found</h1></body></html>',
          }
        : r,
  },
  {
    name: 'page-size-above-max-accepted',
    description: 'PageSize above the maximum (1001) is served instead of rejected',
    caughtBy: 'list.page-size-bounds',
    appliesTo: hasPageSize,
    acceptsPageSize: (n, b) => n >= b.min,
  },
  {
    name: 'page-size-below-min-accepted',
    description: 'PageSize below the minimum (0) is served (as an empty page) instead of rejected',
    caughtBy: 'list.page-size-bounds',
    appliesTo: hasPageSize,
    acceptsPageSize: (n, b) => n >= b.min - 1 && n <= b.max,
  },
  {
    name: 'no-auth',
    description: 'requests without credentials are served (401 not enforced)',
    caughtBy: 'auth.required',
    appliesTo: always,
    skipsAuth: true,
  },
  {
    name: 'wrong-content-type',
    description: 'JSON bodies are sent as text/plain',
    caughtBy: 'response.content-type',
    appliesTo: always,
    respond: (r) => ({ ...r, headers: { ...r.headers, 'content-type': 'text/plain; charset=utf-8' } }),
  },
  {
    name: 'truncated-json',
    description: 'the body is cut off mid-document (a proxy buffer limit)',
    caughtBy: 'response.json',
    appliesTo: always,
    respond: (r, route) =>
      route === 'list' || route === 'fetch'
        ? { ...r, body: r.body.slice(0, Math.floor(r.body.length / 2)) }
        : r,
  },
  {
    name: 'status-202',
    description: 'the operation answers 202 Accepted instead of 200',
    caughtBy: 'response.status',
    appliesTo: always,
    respond: (r, route) => (route === 'list' || route === 'fetch' ? { ...r, status: 202 } : r),
  },
  {
    name: 'duplicate-across-pages',
    description: 'each next page starts one item early, repeating the last item of the page before',
    caughtBy: 'pagination.chaining',
    appliesTo: hasPageSize,
    window: (w) => ({ ...w, next: w.next === null ? null : w.next - 1 }),
  },
  {
    name: 'lost-across-pages',
    description: 'each next page starts one item late, skipping an item',
    caughtBy: 'pagination.chaining',
    appliesTo: hasPageSize,
    window: (w) => ({ ...w, next: w.next === null || w.next + 1 >= w.count ? w.next : w.next + 1 }),
  },
  {
    name: 'next-page-loop',
    description: 'the third page links back to the second (a cursor bug)',
    caughtBy: 'pagination.chaining',
    appliesTo: hasPageSize,
    window: (w) => (w.page === 2 && w.next !== null ? { ...w, next: w.pageSize, nextPage: 1 } : w),
  },
  {
    name: 'next-on-last-page',
    description: 'the last page still has a next_page_url (to an empty page)',
    caughtBy: 'pagination.chaining',
    appliesTo: hasPageSize,
    window: (w) => (w.next === null && w.offset < w.count ? { ...w, next: w.count } : w),
  },
  {
    name: 'page-counter-stuck',
    description: 'meta.page is 0 on every page',
    caughtBy: 'pagination.chaining',
    appliesTo: hasPageSize,
    page: (p) => ({ ...p, meta: { ...p.meta, page: 0 } }),
  },
  {
    name: 'first-page-url-changes',
    description: 'first_page_url carries the current page’s PageToken',
    caughtBy: 'pagination.chaining',
    appliesTo: hasPageSize,
    page: (p) => ({ ...p, meta: { ...p.meta, first_page_url: String(p.meta.url) } }),
  },
  {
    name: 'previous-url-wrong',
    description: 'previous_page_url leads two pages back instead of one',
    caughtBy: 'pagination.chaining',
    appliesTo: hasPageSize,
    window: (w) => ({ ...w, previous: w.previous === null ? null : Math.max(0, w.offset - 2 * w.pageSize) }),
  },
  {
    name: 'last-page-500',
    description: 'the last page of a multi-page list answers 500',
    caughtBy: 'pagination.chaining',
    appliesTo: hasPageSize,
    window: (w) => (w.next === null && w.offset > 0 ? { ...w, status: 500 } : w),
  },
  {
    name: 'tampered-token-accepted',
    description: 'PageTokens are not verified: an edited token serves whatever page it names',
    caughtBy: 'pagination.page-token-opaque',
    appliesTo: hasPageSize,
    acceptsTamperedTokens: true,
  },
  // Transport-level faults: what networks, proxies and overloaded providers do.
  {
    name: 'reset-mid-body',
    description: 'responses are cut off: the connection closes halfway through the body',
    caughtBy: 'transport.network',
    appliesTo: always,
    raw: (route, res, r) => {
      if (route !== 'list' && route !== 'fetch') return false;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(r.body) });
      res.write(r.body.slice(0, Math.floor(r.body.length / 2)), () => res.socket?.destroy());
      return true;
    },
  },
  {
    name: 'never-ending-body',
    description: 'responses send headers and part of the body, then nothing, forever',
    caughtBy: 'transport.timeout',
    appliesTo: always,
    raw: (route, res, r) => {
      if (route !== 'list' && route !== 'fetch') return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(r.body.slice(0, 20));
      return true;
    },
  },
  {
    name: 'proxy-502-html',
    description: 'a proxy answers with an HTML 502 Bad Gateway page',
    caughtBy: 'response.status',
    appliesTo: always,
    respond: (r, route) =>
      route === 'list' || route === 'fetch'
        ? {
            status: 502,
            headers: { 'content-type': 'text/html' },
            body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
          }
        : r,
  },
  {
    name: 'proxy-503-html',
    description: 'a proxy answers every request with an HTML 503 page and no Retry-After',
    caughtBy: 'transport.rate-limited',
    appliesTo: always,
    respond: () => ({
      status: 503,
      headers: { 'content-type': 'text/html' },
      body: '<html><body>Service Unavailable</body></html>',
    }),
  },
  {
    name: 'rate-limited',
    description: 'every request gets 429 with Retry-After: 1',
    caughtBy: 'transport.rate-limited',
    appliesTo: always,
    respond: () => ({
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': '1' },
      body: twilioError(429, 20429, 'Too Many Requests'),
    }),
  },
  {
    name: 'rate-limited-no-retry-after',
    description: 'every request gets 429 without Retry-After',
    caughtBy: 'transport.rate-limited',
    appliesTo: always,
    respond: () => ({
      status: 429,
      headers: { 'content-type': 'application/json' },
      body: twilioError(429, 20429, 'Too Many Requests'),
    }),
  },
  {
    name: 'huge-body',
    description: 'responses carry 8 MB of padding',
    caughtBy: 'transport.too-large',
    appliesTo: always,
    respond: (r, route) =>
      route === 'list' || route === 'fetch'
        ? { ...r, body: `${r.body.slice(0, -1)},"padding":"${'x'.repeat(8 * 1024 * 1024)}"}` }
        : r,
  },
  {
    name: 'invalid-utf8',
    description: 'bodies carry bytes that are not UTF-8 (a Latin-1 character)',
    caughtBy: 'response.encoding',
    appliesTo: always,
    raw: (route, res, r) => {
      if (route !== 'list' && route !== 'fetch') return false;
      const body = Buffer.concat([Buffer.from(r.body.slice(0, -1)), Buffer.from(',"x":"\xff"}', 'latin1')]);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
      return true;
    },
  },
  {
    name: 'content-type-lies',
    description: 'says application/json but sends an HTML error page with status 200',
    caughtBy: 'response.json',
    appliesTo: always,
    respond: (r, route) =>
      route === 'list' || route === 'fetch' ? { ...r, body: '<html><body>Oops</body></html>' } : r,
  },
  // Write faults: each bends the writes of one shape (create, update, delete, attach, send).
  ...writeFaults(),
];

/**
 * Faithful variants: ways a provider may differ that the contract allows. Each must pass every rule
 * and the pacts; they are how the suite proves it raises no false alarm (dates with milliseconds or
 * an offset are RFC 3339 date-times twilio-node parses).
 */
const reformatDates =
  (format: (d: Date) => string) =>
  (item: Item, _route: 'fetch' | 'list', instance: JsonSchema): Item => {
    const out: Item = { ...item };
    for (const [field, schema] of Object.entries(instance.properties ?? {}))
      if (isDateTime(schema) && typeof out[field] === 'string')
        out[field] = format(new Date(out[field] as string));
    return out;
  };
export const VARIANTS: readonly Fault[] = [
  {
    name: 'omit-optional',
    description:
      'every property no source requires is left out of the seeded items, as Twilio leaves out what is unset (a File knowledge has no description); the identifier (or, without one, free text) stays, and so does what a write set',
    caughtBy: '',
    appliesTo: (_op, instance) =>
      Object.keys(instance.properties ?? {}).some((k) => !instance.required?.includes(k)),
    item: (item, _route, instance, op, written) => {
      if (written) return item;
      const id = identifyingField(op);
      // Items with no identifier are told apart by their content: free text (no pattern, no format) stays.
      const keep = (s: JsonSchema) =>
        id === undefined && schemaTypes(s).includes('string') && !s.pattern && !s.format;
      return Object.fromEntries(
        Object.entries(item).filter(([k]) => {
          const s = instance.properties?.[k];
          return !s || instance.required?.includes(k) || k === id || keep(s);
        }),
      );
    },
  },
  {
    name: 'dates-with-milliseconds',
    description: 'every date-time carries milliseconds (2025-03-03T10:15:00.818Z)',
    caughtBy: '',
    appliesTo: withField(isDateTime),
    item: reformatDates((d) => new Date(d.getTime() + 818).toISOString()),
  },
  {
    name: 'dates-with-offset',
    description: 'every date-time is written with a +00:00 offset instead of Z',
    caughtBy: '',
    appliesTo: withField(isDateTime),
    item: reformatDates((d) => d.toISOString().replace(/\.\d{3}Z$/, '+00:00')),
  },
];

function relative(url: unknown): unknown {
  return typeof url === 'string' ? url.replace(/^https?:\/\/[^/]+/, '') : url;
}

export function faultNamed(name: string): Fault | undefined {
  return FAULTS.find((f) => f.name === name) ?? VARIANTS.find((f) => f.name === name);
}

/** A fault switched on, for every operation it applies to or for one (`name@OperationId`). */
export interface ActiveFault {
  fault: Fault;
  operation?: string;
}

export function parseFaultSpec(spec: string): { name: string; operation?: string } {
  const [name = '', operation] = spec.split('@');
  return operation ? { name, operation } : { name };
}
