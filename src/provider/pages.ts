// The pagination step every list shares: PageSize, Page and PageToken read and checked against the
// bounds the model documents, the window of items a page serves, and the `meta` envelope with its
// links (signed PageTokens), as Twilio builds them.

import { type Operation, queryParams } from '../model/operation';
import { defaultPageSize, envelopeOf, PAGING_FIELDS } from '../model/twilio-conventions';
import type { ListPage, PageBend, PageWindow } from './faults/bends';
import { type Answer, badRequest } from './http';
import type { PageTokens } from './page-token';

/** What a list request asks for, checked. */
export interface PageAsk {
  pageSize: number;
  /** The page index and the first item's offset. */
  page: number;
  offset: number;
  token: string | undefined;
  /** Whether the list documents PageSize and Page (its links carry them). */
  sized: boolean;
  paged: boolean;
}

const integerOr = (raw: string | null, fallback: number, re: RegExp): number =>
  raw === null ? fallback : re.test(raw) ? Number(raw) : Number.NaN;

/** PageSize, Page and PageToken of a list request, or the 400 that refuses them. */
export function readPageAsk(
  op: Operation,
  q: URLSearchParams,
  tokens: PageTokens,
  scope: string,
  bend: PageBend | undefined,
): PageAsk | Answer {
  const params = queryParams(op);
  const size = params.PageSize;
  const min = typeof size?.minimum === 'number' ? size.minimum : 1;
  const max = typeof size?.maximum === 'number' ? size.maximum : 1000;
  const pageSize = integerOr(size ? q.get('PageSize') : null, defaultPageSize(size), /^-?\d+$/);
  const accepts = bend?.acceptsPageSize ?? ((n: number) => n >= min && n <= max);
  if (!Number.isInteger(pageSize) || !accepts(pageSize, { min, max }))
    return badRequest(`Invalid PageSize: must be an integer from ${min} to ${max}`);
  const paged = params.Page !== undefined;
  const page = integerOr(paged ? q.get('Page') : null, 0, /^\d+$/);
  if (!Number.isSafeInteger(page)) return badRequest('Invalid Page: must be an integer ≥ 0');
  const token = q.get('PageToken') ?? undefined;
  const ask = { pageSize, page, offset: page * pageSize, token, sized: size !== undefined, paged };
  if (token === undefined) return ask;
  const state = bend?.acceptsTamperedTokens ? tokens.decodeUnverified(token) : tokens.verify(token, scope);
  if (!state) return badRequest('Invalid PageToken');
  return { ...ask, offset: state.offset, page: state.page ?? page };
}

/** The slice of `count` items a page serves, and where its links lead. */
export function pageWindow(ask: PageAsk, count: number): PageWindow {
  const { pageSize, page, offset } = ask;
  const end = Math.min(count, offset + pageSize);
  return {
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
}

/** A page as Twilio sends it: the items first, then `meta` with links that carry signed PageTokens. */
export function pageBody(
  ask: PageAsk,
  w: PageWindow,
  at: { base: string; path: string; key: string; scope: string; tokens: PageTokens },
  items: unknown[],
): ListPage {
  const link = (p: number, token?: string) => {
    const u = new URLSearchParams();
    if (ask.sized) u.set('PageSize', String(ask.pageSize));
    if (ask.paged) u.set('Page', String(p));
    if (token) u.set('PageToken', token);
    const s = u.toString();
    return `${at.base}${at.path}${s ? `?${s}` : ''}`;
  };
  const signed = (offset: number | null, page: number) =>
    offset === null ? null : link(page, at.tokens.sign({ offset, page }, at.scope));
  return {
    [at.key]: items,
    meta: {
      first_page_url: link(0),
      key: at.key,
      next_page_url: signed(w.next, w.nextPage),
      page: ask.page,
      page_size: ask.pageSize,
      previous_page_url: signed(w.previous, ask.page - 1),
      url: link(ask.page, ask.token),
    },
  };
}

/**
 * The page in the list's own envelope: `meta` as built (v1 APIs); API v2010's paging fields beside
 * the items, links as paths on the host, with `start` and `end`; or the items alone (a list served
 * in one page). Faults bend the `meta` form first, so each bends every envelope alike.
 */
export function inEnvelope(
  op: Operation,
  page: ListPage,
  key: string,
  w: PageWindow,
): Record<string, unknown> {
  const { meta, ...rest } = page;
  const envelope = envelopeOf(op);
  if (envelope === 'meta') return { ...rest, meta };
  if (envelope === 'none') return rest;
  const path = (v: unknown) => (typeof v === 'string' ? v.replace(/^https?:\/\/[^/]+/, '') : v);
  const names = PAGING_FIELDS.flat;
  const shown = Array.isArray(rest[key]) ? (rest[key] as unknown[]).length : 0;
  return {
    ...rest,
    end: Math.max(w.offset, w.offset + shown - 1),
    [names.first]: path(meta.first_page_url),
    [names.next]: path(meta.next_page_url),
    [names.page]: meta.page,
    [names.pageSize]: meta.page_size,
    [names.previous]: path(meta.previous_page_url),
    start: w.offset,
    [names.url]: path(meta.url),
  };
}
