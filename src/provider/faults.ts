// Named, realistic ways the reference provider can be broken, each one a drift or bug seen in real
// APIs. Tests and `npm run provider -- --fault NAME` use them to prove every check can fail.

import type { ServerResponse } from 'node:http';
import type { Session } from './sessions-data';

export type Route = 'fetch' | 'list' | 'not-found' | 'bad-request' | 'unauthorized';

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

export interface Fault {
  name: string;
  description: string;
  /** The check expected to catch it. */
  caughtBy: string;
  session?(session: Session, route: 'fetch' | 'list'): Session | Record<string, unknown>;
  page?(page: ListPage): ListPage;
  /** Items served beyond PageSize on every non-last page. */
  extraItems?: number;
  acceptsPageSize?(size: number): boolean;
  window?(w: PageWindow): PageWindow;
  /** Takes over the socket for a route (transport-level faults); returns true when it answered. */
  raw?(route: Route, res: ServerResponse, response: ProviderResponse): boolean;
  /** Serves whatever offset a PageToken's payload names, signature or not. */
  acceptsTamperedTokens?: boolean;
  skipsAuth?: boolean;
  respond?(response: ProviderResponse, route: Route): ProviderResponse;
}

const withoutKey = (o: Record<string, unknown>, key: string) => {
  const { [key]: _dropped, ...rest } = o;
  return rest;
};

export const FAULTS: readonly Fault[] = [
  {
    name: 'missing-field',
    description: 'sessions lose date_updated (a field dropped in a refactor)',
    caughtBy: 'response.fields-present',
    session: (s) => withoutKey({ ...s }, 'date_updated'),
  },
  {
    name: 'wrong-type',
    description: 'verified is serialised as the string "true"/"false"',
    caughtBy: 'response.schema',
    session: (s) => ({ ...s, verified: String(s.verified) }),
  },
  {
    name: 'lowercase-sid-prefix',
    description: 'account_sid starts with "ac" instead of "AC"',
    caughtBy: 'response.schema',
    session: (s) => ({ ...s, account_sid: s.account_sid.replace(/^AC/, 'ac') }),
  },
  {
    name: 'non-iso-date',
    description: 'date_updated in RFC 2822 ("Mon, 01 Jan 2024 00:00:00 +0000") as the 2010 API does',
    caughtBy: 'response.schema',
    session: (s) => ({ ...s, date_updated: new Date(s.date_updated).toUTCString().replace('GMT', '+0000') }),
  },
  {
    name: 'wrong-meta-key',
    description: 'meta.key is "key" (as in the docs example), so clients find no items',
    caughtBy: 'list.meta-key',
    page: (p) => ({ ...p, meta: { ...p.meta, key: 'key' } }),
  },
  {
    name: 'page-size-not-echoed',
    description: 'meta.page_size is always 50 whatever PageSize was asked for',
    caughtBy: 'list.page-size',
    page: (p) => ({ ...p, meta: { ...p.meta, page_size: 50 } }),
  },
  {
    name: 'items-beyond-page-size',
    description: 'every page carries one item more than PageSize',
    caughtBy: 'list.page-size',
    extraItems: 1,
  },
  {
    name: 'relative-next-page-url',
    description: 'next_page_url is a relative path ("/v1/Sessions?…")',
    caughtBy: 'list.page-urls',
    page: (p) => ({
      ...p,
      meta: { ...p.meta, next_page_url: relative(p.meta.next_page_url) },
    }),
  },
  {
    name: 'url-other-host',
    description: 'meta.url names an internal host instead of the public one',
    caughtBy: 'list.page-urls',
    page: (p) => ({
      ...p,
      meta: { ...p.meta, url: String(p.meta.url).replace(/^https?:\/\/[^/]+/, 'http://internal-lb.invalid') },
    }),
  },
  {
    name: 'fetch-list-mismatch',
    description: 'a fetched session shows another identity than its list entry (stale cache)',
    caughtBy: 'fetch.matches-list',
    session: (s, route) => (route === 'fetch' ? { ...s, identity: `${s.identity}_stale` } : s),
  },
  {
    name: 'html-404',
    description: 'an unknown id gets a proxy HTML 404 page instead of a Twilio error body',
    caughtBy: 'fetch.unknown-id',
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
    name: 'page-size-1001-accepted',
    description: 'PageSize above 1000 is served instead of rejected',
    caughtBy: 'list.page-size-bounds',
    acceptsPageSize: (n) => n >= 1,
  },
  {
    name: 'page-size-0-accepted',
    description: 'PageSize 0 is served (as an empty page) instead of rejected',
    caughtBy: 'list.page-size-bounds',
    acceptsPageSize: (n) => n >= 0 && n <= 1000,
  },
  {
    name: 'no-auth',
    description: 'requests without credentials are served (401 not enforced)',
    caughtBy: 'auth.required',
    skipsAuth: true,
  },
  {
    name: 'wrong-content-type',
    description: 'JSON bodies are sent as text/plain',
    caughtBy: 'response.content-type',
    respond: (r) => ({ ...r, headers: { ...r.headers, 'content-type': 'text/plain; charset=utf-8' } }),
  },
  {
    name: 'truncated-json',
    description: 'the list body is cut off mid-document (a proxy buffer limit)',
    caughtBy: 'response.json',
    respond: (r, route) =>
      route === 'list' ? { ...r, body: r.body.slice(0, Math.floor(r.body.length / 2)) } : r,
  },
  {
    name: 'list-202',
    description: 'the list answers 202 Accepted instead of 200',
    caughtBy: 'response.status',
    respond: (r, route) => (route === 'list' ? { ...r, status: 202 } : r),
  },
  {
    name: 'duplicate-across-pages',
    description: 'each next page starts one item early, repeating the last item of the page before',
    caughtBy: 'pagination.chaining',
    window: (w) => ({ ...w, next: w.next === null ? null : w.next - 1 }),
  },
  {
    name: 'lost-across-pages',
    description: 'each next page starts one item late, skipping an item',
    caughtBy: 'pagination.chaining',
    window: (w) => ({ ...w, next: w.next === null || w.next + 1 >= w.count ? w.next : w.next + 1 }),
  },
  {
    name: 'next-page-loop',
    description: 'the third page links back to the second (a cursor bug)',
    caughtBy: 'pagination.chaining',
    window: (w) => (w.page === 2 && w.next !== null ? { ...w, next: w.pageSize, nextPage: 1 } : w),
  },
  {
    name: 'next-on-last-page',
    description: 'the last page still has a next_page_url (to an empty page)',
    caughtBy: 'pagination.chaining',
    window: (w) => (w.next === null && w.offset < w.count ? { ...w, next: w.count } : w),
  },
  {
    name: 'page-counter-stuck',
    description: 'meta.page is 0 on every page',
    caughtBy: 'pagination.chaining',
    page: (p) => ({ ...p, meta: { ...p.meta, page: 0 } }),
  },
  {
    name: 'first-page-url-changes',
    description: 'first_page_url carries the current page’s PageToken',
    caughtBy: 'pagination.chaining',
    page: (p) => ({ ...p, meta: { ...p.meta, first_page_url: String(p.meta.url) } }),
  },
  {
    name: 'previous-url-wrong',
    description: 'previous_page_url leads two pages back instead of one',
    caughtBy: 'pagination.chaining',
    window: (w) => ({ ...w, previous: w.previous === null ? null : Math.max(0, w.offset - 2 * w.pageSize) }),
  },
  {
    name: 'last-page-500',
    description: 'the last page of a multi-page list answers 500',
    caughtBy: 'pagination.chaining',
    window: (w) => (w.next === null && w.offset > 0 ? { ...w, status: 500 } : w),
  },
  {
    name: 'tampered-token-accepted',
    description: 'PageTokens are not verified: an edited token serves whatever page it names',
    caughtBy: 'pagination.page-token-opaque',
    acceptsTamperedTokens: true,
  },
  // Transport-level faults: what networks, proxies and overloaded providers do.
  {
    name: 'reset-mid-body',
    description: 'list responses are cut off: the connection closes halfway through the body',
    caughtBy: 'transport.network',
    raw: (route, res, r) => {
      if (route !== 'list') return false;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(r.body) });
      res.write(r.body.slice(0, Math.floor(r.body.length / 2)), () => res.socket?.destroy());
      return true;
    },
  },
  {
    name: 'never-ending-body',
    description: 'list responses send headers and part of the body, then nothing, forever',
    caughtBy: 'transport.timeout',
    raw: (route, res, r) => {
      if (route !== 'list') return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(r.body.slice(0, 20));
      return true;
    },
  },
  {
    name: 'proxy-502-html',
    description: 'a proxy answers the list with an HTML 502 Bad Gateway page',
    caughtBy: 'response.status',
    respond: (r, route) =>
      route === 'list'
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
    respond: () => ({
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': '1' },
      body: JSON.stringify({
        code: 20429,
        message: 'Too Many Requests',
        more_info: 'https://www.twilio.com/docs/errors/20429',
        status: 429,
      }),
    }),
  },
  {
    name: 'rate-limited-no-retry-after',
    description: 'every request gets 429 without Retry-After',
    caughtBy: 'transport.rate-limited',
    respond: () => ({
      status: 429,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        code: 20429,
        message: 'Too Many Requests',
        more_info: 'https://www.twilio.com/docs/errors/20429',
        status: 429,
      }),
    }),
  },
  {
    name: 'huge-body',
    description: 'list responses carry 8 MB of padding',
    caughtBy: 'transport.too-large',
    respond: (r, route) =>
      route === 'list'
        ? { ...r, body: `${r.body.slice(0, -1)},"padding":"${'x'.repeat(8 * 1024 * 1024)}"}` }
        : r,
  },
  {
    name: 'invalid-utf8',
    description: 'list bodies carry bytes that are not UTF-8 (a Latin-1 identity)',
    caughtBy: 'response.encoding',
    raw: (route, res, r) => {
      if (route !== 'list') return false;
      const body = Buffer.from(r.body.replace(/"identity":"user_/, '"identity":"us\u00ffer_'), 'latin1');
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
      return true;
    },
  },
  {
    name: 'content-type-lies',
    description: 'the list says application/json but sends an HTML error page with status 200',
    caughtBy: 'response.json',
    respond: (r, route) => (route === 'list' ? { ...r, body: '<html><body>Oops</body></html>' } : r),
  },
];

function relative(url: unknown): unknown {
  return typeof url === 'string' ? url.replace(/^https?:\/\/[^/]+/, '') : url;
}

export function faultNamed(name: string): Fault | undefined {
  return FAULTS.find((f) => f.name === name);
}
