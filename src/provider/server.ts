// The local reference provider: the Sessions API as documented, on a real HTTP server bound to
// 127.0.0.1. Deterministic seeded data, signed PageTokens, `meta` as Twilio builds it, Twilio
// error bodies for 400/401/404, and optionally one named fault.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_PAGE_SIZE } from '../derive/twilio-conventions';
import type { Fault, ListPage, PageWindow, ProviderResponse, Route } from './faults';
import { PageTokens } from './page-token';
import { defaultAccountSid, indexOfId, sessionAt } from './sessions-data';

export interface ProviderOptions {
  sessions?: number;
  seed?: number;
  port?: number;
  fault?: Fault;
  /** When set, only these credentials are accepted; otherwise any well-formed Basic pair is. */
  credentials?: { username: string; password: string };
  /** Account the sessions belong to (defaults to one derived from the seed). */
  accountSid?: string;
}

/** What the commands that start their own provider log in with: not a secret, never a real account. */
export const LOCAL_PROVIDER_CREDENTIALS = {
  username: `AC${'0123456789abcdef'.repeat(2)}`,
  password: 'local-provider-token',
};

export interface RunningProvider {
  url: string;
  port: number;
  accountSid: string;
  /** Changes how many sessions it serves (provider states in pact verification). */
  setSessionCount(count: number): void;
  close(): Promise<void>;
}

const LIST_PATH = '/v1/Sessions';
const ITEMS_KEY = 'sessions';
const MAX_PAGE_SIZE = 1000;

export async function startProvider(options: ProviderOptions = {}): Promise<RunningProvider> {
  let count = options.sessions ?? 120;
  const seed = options.seed ?? 1;
  const fault = options.fault;
  const accountSid = options.accountSid ?? options.credentials?.username ?? defaultAccountSid(seed);
  const tokens = new PageTokens(`reference-provider:${seed}`);

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

  const session = (index: number, route: 'fetch' | 'list') => {
    const s = sessionAt(seed, index, accountSid);
    return fault?.session ? fault.session(s, route) : s;
  };

  const list = (url: URL, base: string): [ProviderResponse, Route] => {
    const q = url.searchParams;
    const pageSizeRaw = q.get('PageSize');
    const pageSize =
      pageSizeRaw === null
        ? DEFAULT_PAGE_SIZE
        : /^-?\d+$/.test(pageSizeRaw)
          ? Number(pageSizeRaw)
          : Number.NaN;
    const accepts = fault?.acceptsPageSize ?? ((n: number) => n >= 1 && n <= MAX_PAGE_SIZE);
    if (!Number.isInteger(pageSize) || !accepts(pageSize)) {
      return [
        error(400, 20001, `Invalid PageSize: must be an integer from 1 to ${MAX_PAGE_SIZE}`),
        'bad-request',
      ];
    }
    const pageRaw = q.get('Page');
    const page = pageRaw === null ? 0 : /^\d+$/.test(pageRaw) ? Number(pageRaw) : Number.NaN;
    if (!Number.isSafeInteger(page))
      return [error(400, 20001, 'Invalid Page: must be an integer ≥ 0'), 'bad-request'];
    const tokenRaw = q.get('PageToken');
    let offset = page * pageSize;
    if (tokenRaw !== null) {
      const state = fault?.acceptsTamperedTokens
        ? tokens.decodeUnverified(tokenRaw)
        : tokens.verify(tokenRaw);
      if (!state) return [error(400, 20001, 'Invalid PageToken'), 'bad-request'];
      offset = state.offset;
    }
    const end = Math.min(count, offset + pageSize);
    let w: PageWindow = {
      count,
      pageSize,
      page,
      offset,
      end,
      next: end < count ? end : null,
      previous: page > 0 && offset > 0 ? Math.max(0, offset - pageSize) : null,
      nextPage: page + 1,
      status: 200,
    };
    if (fault?.window) w = fault.window(w);
    if (w.status !== 200) return [error(w.status, 20500, 'Internal Server Error'), 'list'];
    const extra = end < count ? (fault?.extraItems ?? 0) : 0;
    const items = [];
    for (let i = offset; i < Math.min(count, end + extra); i++) items.push(session(i, 'list'));
    const pageUrl = (p: number, token?: string) =>
      `${base}${LIST_PATH}?PageSize=${pageSize}&Page=${p}${token ? `&PageToken=${token}` : ''}`;
    let body: ListPage = {
      meta: {
        first_page_url: pageUrl(0),
        key: ITEMS_KEY,
        next_page_url: w.next === null ? null : pageUrl(w.nextPage, tokens.sign({ offset: w.next })),
        page,
        page_size: pageSize,
        previous_page_url:
          w.previous === null ? null : pageUrl(page - 1, tokens.sign({ offset: w.previous })),
        url: pageUrl(page, tokenRaw ?? undefined),
      },
      [ITEMS_KEY]: items,
    };
    if (fault?.page) body = fault.page(body);
    // Twilio puts the items first, then meta.
    return [json(200, { [ITEMS_KEY]: body[ITEMS_KEY], meta: body.meta }), 'list'];
  };

  const route = (req: IncomingMessage): [ProviderResponse, Route] => {
    const base = `http://${req.headers.host ?? '127.0.0.1'}`;
    const url = new URL(req.url ?? '/', base);
    if (req.method !== 'GET') return [error(405, 20004, 'Method not allowed'), 'bad-request'];
    if (!fault?.skipsAuth && !authorised(req)) {
      return [error(401, 20003, 'Authentication Error - invalid username'), 'unauthorized'];
    }
    if (url.pathname === LIST_PATH) return list(url, base);
    const m = /^\/v1\/Sessions\/([^/]+)$/.exec(url.pathname);
    if (m?.[1]) {
      const index = indexOfId(decodeURIComponent(m[1]), count);
      if (index !== undefined) return [json(200, session(index, 'fetch')), 'fetch'];
    }
    return [error(404, 20404, `The requested resource ${url.pathname} was not found`), 'not-found'];
  };

  const server: Server = createServer((req, res) => {
    let [response, kind] = route(req);
    if (fault?.respond) response = fault.respond(response, kind);
    if (fault?.raw?.(kind, res, response)) return;
    res.writeHead(response.status, {
      ...response.headers,
      'content-length': Buffer.byteLength(response.body),
    });
    res.end(response.body);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    accountSid,
    setSessionCount: (n: number) => {
      count = n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
