// Faults in a list's pages: the envelope (meta's key, page size, links) and the pagination itself
// (page sizes accepted, items repeated or lost across pages, links that loop, tokens not verified).

import { envelopeOf } from '../../model/twilio-conventions';
import type { Fault, ListPage } from './fault';
import { hasPageSize, isList } from './fields';

/** A list whose paging fields are under `meta` with absolute links (v1 APIs): what the `meta` faults can break. */
const hasMeta: Fault['appliesTo'] = (op) => isList(op) && envelopeOf(op) === 'meta';

const relative = (url: unknown): unknown =>
  typeof url === 'string' ? url.replace(/^https?:\/\/[^/]+/, '') : url;

const envelope: readonly Fault[] = [
  {
    name: 'wrong-meta-key',
    description: 'meta.key is "key" (as in the docs example), so clients find no items',
    caughtBy: 'list.meta-key',
    appliesTo: hasMeta,
    pages: { page: (p) => ({ ...p, meta: { ...p.meta, key: 'key' } }) },
  },
  {
    name: 'renamed-items-key',
    description:
      'the items array is renamed to "items" (meta.key follows), breaking clients generated from the spec',
    caughtBy: 'list.meta-key',
    appliesTo: hasMeta,
    pages: {
      page: (p, key) => {
        const { [key]: items, meta, ...rest } = p;
        return { ...rest, items, meta: { ...meta, key: 'items' } } as ListPage;
      },
    },
  },
  {
    name: 'page-size-not-echoed',
    description: 'meta.page_size is always 50 whatever PageSize was asked for',
    caughtBy: 'list.page-size',
    appliesTo: hasPageSize,
    pages: { page: (p) => ({ ...p, meta: { ...p.meta, page_size: 50 } }) },
  },
  {
    name: 'items-beyond-page-size',
    description: 'every page but the last carries one item more than PageSize',
    caughtBy: 'list.page-size',
    appliesTo: hasPageSize,
    pages: { extraItems: 1 },
  },
  {
    name: 'relative-next-page-url',
    description: 'next_page_url is a relative path ("/v1/…?…")',
    caughtBy: 'list.page-urls',
    appliesTo: hasMeta,
    pages: { page: (p) => ({ ...p, meta: { ...p.meta, next_page_url: relative(p.meta.next_page_url) } }) },
  },
  {
    name: 'url-other-host',
    description: 'meta.url names an internal host instead of the public one',
    caughtBy: 'list.page-urls',
    appliesTo: hasMeta,
    pages: {
      page: (p) => ({
        ...p,
        meta: {
          ...p.meta,
          url: String(p.meta.url).replace(/^https?:\/\/[^/]+/, 'http://internal-lb.invalid'),
        },
      }),
    },
  },
  {
    name: 'page-size-above-max-accepted',
    description: 'PageSize above the maximum (1001) is served instead of rejected',
    caughtBy: 'list.page-size-bounds',
    appliesTo: hasPageSize,
    pages: { acceptsPageSize: (n, b) => n >= b.min },
  },
  {
    name: 'page-size-below-min-accepted',
    description: 'PageSize below the minimum (0) is served (as an empty page) instead of rejected',
    caughtBy: 'list.page-size-bounds',
    appliesTo: hasPageSize,
    pages: { acceptsPageSize: (n, b) => n >= b.min - 1 && n <= b.max },
  },
];

const chaining: readonly Fault[] = [
  {
    name: 'duplicate-across-pages',
    description: 'each next page starts one item early, repeating the last item of the page before',
    caughtBy: 'pagination.chaining',
    appliesTo: hasPageSize,
    pages: { window: (w) => ({ ...w, next: w.next === null ? null : w.next - 1 }) },
  },
  {
    name: 'lost-across-pages',
    description: 'each next page starts one item late, skipping an item',
    caughtBy: 'pagination.chaining',
    appliesTo: hasPageSize,
    pages: {
      window: (w) => ({ ...w, next: w.next === null || w.next + 1 >= w.count ? w.next : w.next + 1 }),
    },
  },
  {
    name: 'next-page-loop',
    description: 'the third page links back to the second (a cursor bug)',
    caughtBy: 'pagination.chaining',
    appliesTo: hasPageSize,
    pages: { window: (w) => (w.page === 2 && w.next !== null ? { ...w, next: w.pageSize, nextPage: 1 } : w) },
  },
  {
    name: 'next-on-last-page',
    description: 'the last page still has a next_page_url (to an empty page)',
    caughtBy: 'pagination.chaining',
    appliesTo: hasPageSize,
    pages: { window: (w) => (w.next === null && w.offset < w.count ? { ...w, next: w.count } : w) },
  },
  {
    name: 'page-counter-stuck',
    description: 'meta.page is 0 on every page',
    caughtBy: 'pagination.chaining',
    appliesTo: hasPageSize,
    pages: { page: (p) => ({ ...p, meta: { ...p.meta, page: 0 } }) },
  },
  {
    name: 'first-page-url-changes',
    description: 'first_page_url carries the current page’s PageToken',
    caughtBy: 'pagination.chaining',
    appliesTo: hasPageSize,
    pages: { page: (p) => ({ ...p, meta: { ...p.meta, first_page_url: String(p.meta.url) } }) },
  },
  {
    name: 'previous-url-wrong',
    description: 'previous_page_url leads two pages back instead of one',
    caughtBy: 'pagination.chaining',
    appliesTo: hasPageSize,
    pages: {
      window: (w) => ({
        ...w,
        previous: w.previous === null ? null : Math.max(0, w.offset - 2 * w.pageSize),
      }),
    },
  },
  {
    name: 'last-page-500',
    description: 'the last page of a multi-page list answers 500',
    caughtBy: 'pagination.chaining',
    appliesTo: hasPageSize,
    pages: { window: (w) => (w.next === null && w.offset > 0 ? { ...w, status: 500 } : w) },
  },
  {
    name: 'tampered-token-accepted',
    description: 'PageTokens are not verified: an edited token serves whatever page it names',
    caughtBy: 'pagination.page-token-opaque',
    appliesTo: hasPageSize,
    pages: { acceptsTamperedTokens: true },
  },
];

export const PAGE_FAULTS: readonly Fault[] = [...envelope, ...chaining];
