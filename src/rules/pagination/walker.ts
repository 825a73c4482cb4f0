// Streams a list page by page, following its next page link (meta.next_page_url; API v2010's
// next_page_uri, a path on the API's host), in constant memory: each page is yielded and dropped.
// Cycle detection keeps only a hash of each URL visited, so a next link that loops is detected,
// never walked forever.

import { createHash } from 'node:crypto';
import { isRecord, parseProviderJson } from '../../json';
import { type Envelope, type PageView, pageView } from '../../model/twilio-conventions';
import { type Exchange, type HttpTransport, isRunLimit, RunLimitError } from '../../transport/http';

export interface WalkedPage {
  /** 0-based position in the walk. */
  index: number;
  url: string;
  exchange: Exchange;
  /** The page's paging fields, read through the list's envelope. */
  paging: PageView;
  items: Array<Record<string, unknown>>;
}

export type WalkStop =
  | { kind: 'end' }
  | { kind: 'loop'; url: string; firstSeenAt: number; index: number }
  | { kind: 'limit'; pages: number }
  | { kind: 'failed'; url: string; index: number; status?: number; message: string };

export interface WalkOptions {
  /** Stop after this many pages (a runaway list, or a request budget). */
  maxPages?: number;
  itemsKey?: string;
  /** Where the list's paging fields are (default: meta). */
  envelope?: Envelope;
}

export interface Walk {
  pages: AsyncGenerator<WalkedPage, WalkStop>;
}

const digest = (url: string) => createHash('sha1').update(url).digest('base64');

export async function* walkPages(
  transport: HttpTransport,
  firstUrl: string,
  options: WalkOptions = {},
): AsyncGenerator<WalkedPage, WalkStop> {
  const seen = new Map<string, number>();
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
  let url: string | undefined = firstUrl;
  for (let index = 0; url !== undefined; index++) {
    let absolute: string;
    try {
      absolute = new URL(url, `${transport.baseUrl}/`).toString();
    } catch {
      return {
        kind: 'failed',
        url,
        index,
        message: `the next page link ${JSON.stringify(url)} is not a URL`,
      };
    }
    const key = digest(absolute);
    const firstSeenAt = seen.get(key);
    if (firstSeenAt !== undefined) return { kind: 'loop', url: absolute, firstSeenAt, index };
    if (index >= maxPages) return { kind: 'limit', pages: index };
    seen.set(key, index);
    const exchange = await transport.get(absolute);
    if (isRunLimit(exchange)) throw new RunLimitError(exchange.error?.message ?? 'run limit');
    const status = exchange.response?.status;
    if (status !== 200) {
      return {
        kind: 'failed',
        url: absolute,
        index,
        ...(status ? { status } : {}),
        message: exchange.error?.message ?? `status ${status}`,
      };
    }
    const parsed = parseProviderJson(exchange.response?.body ?? '');
    if (!parsed.ok)
      return { kind: 'failed', url: absolute, index, status, message: `body is not JSON (${parsed.error})` };
    if (!isRecord(parsed.value))
      return { kind: 'failed', url: absolute, index, status, message: 'body is not a JSON object' };
    const body = parsed.value;
    const paging = pageView({ ...(options.envelope ? { envelope: options.envelope } : {}) }, body);
    const named = paging.get('key');
    const key2 = options.itemsKey ?? (typeof named === 'string' ? named : 'items');
    const raw = Object.hasOwn(body, key2) ? body[key2] : undefined;
    const items = Array.isArray(raw) ? (raw as Array<Record<string, unknown>>) : [];
    yield { index, url: absolute, exchange, paging, items };
    const next = paging.get('next');
    url = typeof next === 'string' ? next : undefined;
  }
  return { kind: 'end' };
}
