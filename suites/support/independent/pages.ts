// Twilio's list envelope: the items under their key and `meta` (first_page_url, key, next_page_url,
// page, page_size, previous_page_url, url). "How many resources to return in each list page. The
// default is 50, and the maximum is 1000." (PageSize, minimum 1); "The page index. This value is simply
// for client state." (Page, minimum 0); "The page token. This is provided by the API." (PageToken):
// opaque, signed, bound to its list, so a changed one is refused.

import { createHmac, randomBytes } from 'node:crypto';
import { badRequest } from './errors';
import type { Json } from './store';

const SECRET = randomBytes(16);

export interface ListRequest {
  origin: string;
  path: string;
  query: URLSearchParams;
  /** Query parameters that filter the list (kept in every page URL). */
  filters: string[];
  /** Whether the list takes `Page` (Knowledge Chunks does not). */
  hasPage: boolean;
}

const sign = (binding: string, offset: number): string =>
  createHmac('sha256', SECRET).update(`${binding}|${offset}`).digest('base64url').slice(0, 22);

const tokenFor = (binding: string, offset: number): string =>
  Buffer.from(`${offset}.${sign(binding, offset)}`).toString('base64url');

function offsetOf(token: string, binding: string): number {
  const [o, sig] = Buffer.from(token, 'base64url').toString().split('.');
  const offset = Number(o);
  const canonical = Number.isSafeInteger(offset) && offset >= 0 && tokenFor(binding, offset) === token;
  if (!canonical || sig !== sign(binding, offset)) throw badRequest("Invalid value for 'PageToken'");
  return offset;
}

function integerParam(q: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = q.get(name);
  if (raw === null) return undefined;
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= min && n <= max)) {
    throw badRequest(`Invalid value for '${name}': must be an integer from ${min} to ${max}, got '${raw}'`);
  }
  return n;
}

/** One page of `items`, shown under `key`, with Twilio's meta. */
export function page(req: ListRequest, key: string, items: Json[]): Json {
  const { query: q } = req;
  const size = integerParam(q, 'PageSize', 1, 1000) ?? 50;
  const pageParam = req.hasPage ? integerParam(q, 'Page', 0, Number.MAX_SAFE_INTEGER) : undefined;
  const filters: [string, string][] = req.filters.flatMap((f) => (q.has(f) ? [[f, q.get(f) as string]] : []));
  const binding = `${req.path}?${new URLSearchParams(filters).toString()}`;
  const token = q.get('PageToken');
  const offset = token === null ? 0 : offsetOf(token, binding);
  const index = pageParam ?? Math.floor(offset / size);
  const url = (p: number, tok?: string) => {
    const u = new URLSearchParams([...filters, ['PageSize', String(size)]]);
    if (req.hasPage) u.set('Page', String(p));
    if (tok) u.set('PageToken', tok);
    return `${req.origin}${req.path}?${u.toString()}`;
  };
  const prev = Math.max(0, offset - size);
  return {
    [key]: items.slice(offset, offset + size),
    meta: {
      first_page_url: url(0),
      key,
      next_page_url: offset + size < items.length ? url(index + 1, tokenFor(binding, offset + size)) : null,
      page: index,
      page_size: size,
      previous_page_url:
        offset > 0 ? url(Math.max(0, index - 1), prev ? tokenFor(binding, prev) : undefined) : null,
      url: url(index, token ?? undefined),
    },
  };
}
