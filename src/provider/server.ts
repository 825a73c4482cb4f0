// The local reference provider: every GET operation of the model, as documented, on a real HTTP
// server bound to 127.0.0.1. Seeded data generated from the resolved contract, nested items
// consistent with their parents, signed PageTokens, `meta` as Twilio builds it, Twilio error bodies
// for 400/401/404, and optionally one named fault on one or every operation.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeSegment } from '../json';
import { type JsonSchema, schemaTypes } from '../model/json-schema';
import {
  identifyingField,
  type Operation,
  type PathParam,
  pathMatcher,
  queryParams,
} from '../model/operation';
import { DEFAULT_PAGE_SIZE, singular, snakeCase } from '../model/twilio-conventions';
import type { Contract } from '../schemas/contract';
import { generate, hashInt, ItemStore, type Json } from './data';
import type { ActiveFault, ListPage, PageWindow, ProviderResponse, Route } from './faults';
import { PageTokens } from './page-token';
import { handleWrite, processedChildren, rejectBody, type WriteContext, withProcessing } from './writes';

export interface ProviderOptions {
  contract: Contract;
  /** Items of each top-level list. */
  items?: number;
  /** Items of each nested list under a parent that has children (one parent in four has none). */
  nestedItems?: number;
  seed?: number;
  port?: number;
  fault?: ActiveFault;
  /** When set, only these credentials are accepted; otherwise any well-formed Basic pair is. */
  credentials?: { username: string; password: string };
  /** The account every item belongs to: fields documented as that kind of SID carry it (default: the credentials' account). */
  accountSid?: string;
  /** How long a created item with lists to fill (a knowledge source's chunks) stays processing, in ms (default 50). */
  processingMs?: number;
}

/** What the commands that start their own provider log in with: not a secret, never a real account. */
export const LOCAL_PROVIDER_CREDENTIALS = {
  username: `AC${'0123456789abcdef'.repeat(2)}`,
  password: 'local-provider-token',
};

export interface RunningProvider {
  url: string;
  port: number;
  /** Sets how many items a list serves (under every parent, for a nested list); undefined: the seeded size. */
  setCount(operationId: string, count: number | undefined): void;
  /** Back to the seeded sizes. */
  resetCounts(): void;
  close(): Promise<void>;
}

interface Resolved {
  op: Operation;
  values: Record<string, string>;
}

/** The largest write body the provider reads. */
const MAX_REQUEST_BYTES = 1024 * 1024;

export async function startProvider(options: ProviderOptions): Promise<RunningProvider> {
  const { contract } = options;
  const ops = contract.operations;
  const byId = new Map(ops.map((o) => [o.id, o]));
  const seed = options.seed ?? 1;
  const topItems = options.items ?? 30;
  const nestedItems = options.nestedItems ?? 5;
  const overrides = new Map<string, number>();
  const tokens = new PageTokens(`reference-provider:${seed}`);
  const matchers = ops.map((op) => ({ op, re: pathMatcher(op.path) }));
  const merged = new Map(ops.map((op) => [op.id, contract.merged(op)]));
  const instanceOf = (op: Operation): JsonSchema =>
    (op.kind === 'list' ? merged.get(op.id)?.properties?.[op.itemsKey ?? '']?.items : merged.get(op.id)) ??
    {};
  const fault = options.fault;
  const faulty = (op: Operation) =>
    fault !== undefined &&
    (fault.operation === undefined || fault.operation === op.id) &&
    fault.fault.appliesTo(op, instanceOf(op));

  const stores = new Map<string, ItemStore>();
  const parentKey = (op: Operation, values: Record<string, string>) =>
    op.pathParams.map((p) => `${p.name}=${values[p.name] ?? ''}`).join('&');
  const accountSid =
    options.accountSid ??
    (/^AC[0-9a-fA-F]{32}$/.test(options.credentials?.username ?? '')
      ? options.credentials?.username
      : undefined);
  /**
   * Fields an item takes from its context: the account's SID wherever the schema's pattern for a
   * field accepts it, and from its parent, <parent>_id or the path parameter in snake_case.
   */
  const inherited = (op: Operation, values: Record<string, string>): Record<string, string> =>
    inheritedFor(instanceOf(op), op.pathParams, values, op.idField);
  const inheritedFor = (
    schema: JsonSchema,
    pathParams: readonly PathParam[],
    values: Record<string, string>,
    idField: string | undefined,
  ): Record<string, string> => {
    const props = schema.properties ?? {};
    const out: Record<string, string> = {};
    if (accountSid)
      for (const [field, s] of Object.entries(props))
        if (s.pattern && field !== idField && fits(s, accountSid)) out[field] = accountSid;
    for (const p of pathParams) {
      const parent = p.from ? byId.get(p.from.operation) : undefined;
      const value = values[p.name];
      if (!parent || value === undefined) continue;
      const candidates = [
        snakeCase(p.name),
        `${singular(snakeCase(parent.resource))}_${p.from?.field ?? 'id'}`,
      ];
      const field = candidates.find((c) => c !== idField && props[c] && fits(props[c] as JsonSchema, value));
      if (field) out[field] = value;
    }
    return out;
  };
  const storeFor = (op: Operation, values: Record<string, string>): ItemStore => {
    const key = `${op.id}?${parentKey(op, values)}`;
    let store = stores.get(key);
    if (!store) {
      store = new ItemStore(op, instanceOf(op), parentKey(op, values), seed, inherited(op, values));
      stores.set(key, store);
    }
    return store;
  };
  /** Items a write created: lists under them start empty, and those processing fills fill once it ends. */
  const created = new Map<string, { readyAt: number }>();
  const changed = new Set<string>();
  const processingMs = options.processingMs ?? 50;
  const processed = new Map<string, Operation[]>();
  const processedOf = (list: Operation): Operation[] => {
    let out = processed.get(list.id);
    if (!out) {
      out = processedChildren({ contract }, list);
      processed.set(list.id, out);
    }
    return out;
  };
  /** An item's processing-state fields as of now, when a write created it (or what it sits under). */
  const processing = (
    schema: JsonSchema,
    item: Record<string, unknown>,
    values: Record<string, string>,
    id?: unknown,
  ) => {
    const readyAt =
      (typeof id === 'string' ? created.get(id)?.readyAt : undefined) ??
      Object.values(values)
        .map((v) => created.get(v)?.readyAt)
        .find((t) => t !== undefined);
    return withProcessing(schema, item as Record<string, Json>, readyAt);
  };
  const countOf = (op: Operation, values: Record<string, string>): number => {
    // A resized list shows exactly that many items, what writes added included.
    const set = overrides.get(op.id);
    if (set !== undefined) return Math.max(0, set - storeFor(op, values).addedCount);
    const parent = op.pathParams.map((p) => created.get(values[p.name] ?? '')).find(Boolean);
    if (parent) {
      const list = op.pathParams.map((p) => (p.from ? byId.get(p.from.operation) : undefined)).at(-1);
      const processed = list && processedOf(list).includes(op);
      return processed && Date.now() >= parent.readyAt ? nestedItems : 0;
    }
    if (op.pathParams.length === 0) return topItems;
    return hashInt(seed, parentKey(op, values)) % 4 === 0 ? 0 : nestedItems;
  };

  /** Every path parameter names an existing item of the list that supplies it. */
  const exists = (op: { pathParams: readonly PathParam[] }, values: Record<string, string>): boolean =>
    op.pathParams.every((p) => {
      const list = p.from ? byId.get(p.from.operation) : undefined;
      if (!list) return true;
      if (!exists(list, values)) return false;
      const value = values[p.name];
      return value !== undefined && storeFor(list, values).find(value, countOf(list, values)) !== undefined;
    });

  const json = (status: number, body: unknown): ProviderResponse => ({
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  });
  const error = (status: number, code: number, message: string): ProviderResponse =>
    json(status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

  const authorised = (req: IncomingMessage): boolean => {
    const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m?.[1]) return false;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const [user, pass] = colon < 0 ? [decoded, ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
    if (options.credentials)
      return user === options.credentials.username && pass === options.credentials.password;
    return /^(AC|SK)[0-9a-fA-F]{32}$/.test(user) && pass.length > 0;
  };

  /** Whether a write made (or changed) this item: its identifier is one a write gave out. */
  const writtenItem = (op: Operation, item: Record<string, unknown>): boolean => {
    const field = identifyingField(op);
    const id = field ? item[field] : undefined;
    return typeof id === 'string' && (created.has(id) || changed.has(id));
  };
  const bend = (op: Operation, item: Record<string, unknown>, route: 'fetch' | 'list') =>
    faulty(op) && fault?.fault.item
      ? fault.fault.item(item, route, instanceOf(op), op, writtenItem(op, item))
      : item;

  const instance = ({ op, values }: Resolved): ProviderResponse => {
    const list = op.pairsWith ? byId.get(op.pairsWith) : undefined;
    const last = op.pathParams.at(-1);
    const schema = instanceOf(op);
    let body = {
      ...(generate(schema, hashInt(seed, op.id, parentKey(op, values)), 'item') as Record<string, unknown>),
      ...inherited(op, values),
    };
    if (list && last) {
      // The fetch of a listed item: the list entry's fields, plus what only the fetch documents.
      const store = storeFor(list, values);
      const k = store.find(values[last.name] ?? '', countOf(list, values));
      if (k === undefined) return notFound(op);
      const entry = store.at(k, countOf(list, values));
      const fields = Object.keys(schema.properties ?? {});
      body = Object.fromEntries(fields.map((f) => [f, Object.hasOwn(entry, f) ? entry[f] : body[f]]));
    }
    return json(200, bend(op, processing(schema, body, values), 'fetch'));
  };
  const notFound = (op: Operation) => error(404, 20404, `The requested resource ${op.path} was not found`);

  const list = ({ op, values }: Resolved, url: URL, base: string): [ProviderResponse, Route] => {
    const q = url.searchParams;
    const params = queryParams(op);
    const sizeSchema = params.PageSize;
    const bounds = {
      min: typeof sizeSchema?.minimum === 'number' ? sizeSchema.minimum : 1,
      max: typeof sizeSchema?.maximum === 'number' ? sizeSchema.maximum : 1000,
    };
    const pageSizeRaw = sizeSchema ? q.get('PageSize') : null;
    const pageSize =
      pageSizeRaw === null
        ? DEFAULT_PAGE_SIZE
        : /^-?\d+$/.test(pageSizeRaw)
          ? Number(pageSizeRaw)
          : Number.NaN;
    const bent = faulty(op) ? fault?.fault : undefined;
    const accepts = bent?.acceptsPageSize ?? ((n: number) => n >= bounds.min && n <= bounds.max);
    if (!Number.isInteger(pageSize) || !accepts(pageSize, bounds))
      return [
        error(400, 20001, `Invalid PageSize: must be an integer from ${bounds.min} to ${bounds.max}`),
        'bad-request',
      ];
    const hasPage = params.Page !== undefined;
    const pageRaw = hasPage ? q.get('Page') : null;
    const page = pageRaw === null ? 0 : /^\d+$/.test(pageRaw) ? Number(pageRaw) : Number.NaN;
    if (!Number.isSafeInteger(page))
      return [error(400, 20001, 'Invalid Page: must be an integer ≥ 0'), 'bad-request'];
    const tokenRaw = q.get('PageToken');
    const store = storeFor(op, values);
    const scope = `${op.id}?${parentKey(op, values)}`;
    let offset = page * pageSize;
    let index = page;
    if (tokenRaw !== null) {
      const state = bent?.acceptsTamperedTokens
        ? tokens.decodeUnverified(tokenRaw)
        : tokens.verify(tokenRaw, scope);
      if (!state) return [error(400, 20001, 'Invalid PageToken'), 'bad-request'];
      offset = state.offset;
      index = state.page ?? page;
    }
    const generated = countOf(op, values);
    // Resized below what writes added, a list shows its first items only.
    const count = Math.min(store.size(generated), overrides.get(op.id) ?? Number.POSITIVE_INFINITY);
    const end = Math.min(count, offset + pageSize);
    let w: PageWindow = {
      count,
      pageSize,
      page: index,
      offset,
      end,
      next: end < count ? end : null,
      previous: index > 0 && offset > 0 ? Math.max(0, offset - pageSize) : null,
      nextPage: index + 1,
      status: 200,
    };
    if (bent?.window) w = bent.window(w);
    if (w.status !== 200) return [error(w.status, 20500, 'Internal Server Error'), 'list'];
    const extra = end < count ? (bent?.extraItems ?? 0) : 0;
    const items = [];
    const itemSchema = instanceOf(op);
    for (let i = offset; i < Math.min(count, end + extra); i++) {
      const item = store.at(i, generated);
      items.push(
        bend(op, processing(itemSchema, item, {}, op.idField ? item[op.idField] : undefined), 'list'),
      );
    }
    const path = url.pathname;
    const pageUrl = (p: number, token?: string) => {
      const u = new URLSearchParams();
      if (sizeSchema) u.set('PageSize', String(pageSize));
      if (hasPage) u.set('Page', String(p));
      if (token) u.set('PageToken', token);
      const s = u.toString();
      return `${base}${path}${s ? `?${s}` : ''}`;
    };
    const key = op.itemsKey ?? 'items';
    let body: ListPage = {
      meta: {
        first_page_url: pageUrl(0),
        key,
        next_page_url:
          w.next === null
            ? null
            : pageUrl(w.nextPage, tokens.sign({ offset: w.next, page: w.nextPage }, scope)),
        page: index,
        page_size: pageSize,
        previous_page_url:
          w.previous === null
            ? null
            : pageUrl(index - 1, tokens.sign({ offset: w.previous, page: index - 1 }, scope)),
        url: pageUrl(index, tokenRaw ?? undefined),
      },
      [key]: items,
    };
    if (bent?.page) body = bent.page(body, key);
    // Twilio puts the items first, then meta.
    const { meta, ...rest } = body;
    return [json(200, { ...rest, meta }), 'list'];
  };

  const resolve = (pathname: string): Resolved | undefined => {
    for (const { op, re } of matchers) {
      const m = re.exec(pathname);
      if (!m) continue;
      const values: Record<string, string> = {};
      op.pathParams.forEach((p, k) => {
        values[p.name] = decodeSegment(m[k + 1] ?? '');
      });
      return { op, values };
    }
    return undefined;
  };

  const route = (req: IncomingMessage): [ProviderResponse, Route, Operation | undefined] => {
    const base = `http://${req.headers.host ?? '127.0.0.1'}`;
    let url: URL;
    try {
      url = new URL(req.url ?? '/', base);
    } catch {
      return [error(400, 20001, 'Malformed request'), 'bad-request', undefined];
    }
    const found = resolve(url.pathname);
    if (req.method !== 'GET') return [error(405, 20004, 'Method not allowed'), 'bad-request', found?.op];
    const skipsAuth = found && faulty(found.op) && fault?.fault.skipsAuth;
    if (!skipsAuth && !authorised(req))
      return [error(401, 20003, 'Authentication Error - invalid username'), 'unauthorized', found?.op];
    if (!found)
      return [
        error(404, 20404, `The requested resource ${url.pathname} was not found`),
        'not-found',
        undefined,
      ];
    if (!exists(found.op, found.values)) return [notFound(found.op), 'not-found', found.op];
    if (found.op.kind === 'list') {
      const [r, kind] = list(found, url, base);
      return [r, kind, found.op];
    }
    const r = instance(found);
    return [r, r.status === 200 ? 'fetch' : 'not-found', found.op];
  };

  const writeCtx: WriteContext = {
    contract,
    byId,
    seed,
    storeFor,
    countOf,
    exists,
    instanceOf,
    inheritedFor,
    fetchBody: (op, values) => instance({ op, values }),
    json,
    error,
    created,
    changed,
    processingMs,
    bendOf: (w) =>
      fault?.fault.write &&
      fault.fault.appliesToWrite?.(w) &&
      (fault.operation === undefined || fault.operation === w.id)
        ? fault.fault.write
        : undefined,
  };
  const writeMatchers = contract.writes.map((w) => ({ w, re: pathMatcher(w.path) }));

  /** A write: the method and path name one, credentials, the items its path names, its body; then its handler. */
  const routeWrite = (
    req: IncomingMessage,
    text: string,
  ): [ProviderResponse, Route, Operation | undefined] => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      return [error(400, 20001, 'Malformed request'), 'bad-request', undefined];
    }
    const match = writeMatchers
      .map(({ w, re }) => ({ w, m: re.exec(url.pathname) }))
      .filter((x) => x.m !== null);
    const found = match.find((x) => x.w.method === req.method);
    if (!authorised(req))
      return [error(401, 20003, 'Authentication Error - invalid username'), 'unauthorized', undefined];
    if (!found?.m) {
      const known = match.length > 0 || resolve(url.pathname) !== undefined;
      return known
        ? [error(405, 20004, 'Method not allowed'), 'bad-request', undefined]
        : [error(404, 20404, `The requested resource ${url.pathname} was not found`), 'not-found', undefined];
    }
    const values: Record<string, string> = {};
    found.w.pathParams.forEach((p, k) => {
      values[p.name] = decodeSegment(found.m?.[k + 1] ?? '');
    });
    if (!exists(found.w, values))
      return [
        error(404, 20404, `The requested resource ${url.pathname} was not found`),
        'not-found',
        undefined,
      ];
    const checked = rejectBody(writeCtx, found.w, text);
    if ('status' in checked) return [checked, 'bad-request', undefined];
    return [handleWrite(writeCtx, found.w, values, checked.body), 'write', undefined];
  };

  const respond = (
    res: import('node:http').ServerResponse,
    decide: () => [ProviderResponse, Route, Operation | undefined],
  ): void => {
    let response: ProviderResponse;
    let kind: Route;
    let op: Operation | undefined;
    try {
      [response, kind, op] = decide();
    } catch (e) {
      [response, kind] = [error(500, 20500, `Internal Server Error: ${(e as Error).message}`), 'bad-request'];
    }
    const bent = op && faulty(op) ? fault?.fault : undefined;
    if (bent?.respond) response = bent.respond(response, kind);
    if (bent?.raw?.(kind, res, response)) return;
    // Node never sends a 204's body, and a client never reads one: a write fault that gives one
    // says so in its headers (what a client sees of such a body), on a connection it then closes.
    if (response.status === 204 && response.body !== '') {
      res.socket?.end(
        `HTTP/1.1 204 No Content\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(response.body)}\r\nconnection: close\r\n\r\n`,
      );
      return;
    }
    res.writeHead(response.status, {
      ...response.headers,
      'content-length': Buffer.byteLength(response.body),
    });
    res.end(response.body);
  };

  const server: Server = createServer((req, res) => {
    if (req.method === 'GET') {
      respond(res, () => route(req));
      return;
    }
    // A write's body, bounded: a request larger than a megabyte is refused, never buffered whole.
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_REQUEST_BYTES) {
        respond(res, () => [error(413, 20001, 'Request body too large'), 'bad-request', undefined]);
        return;
      }
      respond(res, () => routeWrite(req, Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', () => res.destroy());
  });
  // Keep-alive long enough to be used: clients subtract about a second from the advertised
  // `Keep-Alive: timeout=N`, so 1 s made undici and node's agent open a connection per request.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setCount: (operationId: string, n: number | undefined) => {
      if (n === undefined) overrides.delete(operationId);
      else overrides.set(operationId, n);
    },
    resetCounts: () => overrides.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function fits(schema: JsonSchema, value: string): boolean {
  if (!schemaTypes(schema).includes('string')) return false;
  try {
    return !schema.pattern || new RegExp(schema.pattern).test(value);
  } catch {
    return false;
  }
}
