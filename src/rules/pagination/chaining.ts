// The invariants of one walk from the first page, checked as the pages stream by: termination,
// page count, no loss, no duplicate, full pages, page counter, stable first_page_url, meta.url is
// the page's own URL, the last page ends the list, previous_page_url leads back.

import { isRecord, parseProviderJson } from '../../json';
import type { Envelope } from '../../model/twilio-conventions';
import { type HttpTransport, isRunLimit, RunLimitError } from '../../transport/http';
import { itemIdentity } from '../invariants';
import { type WalkedPage, type WalkStop, walkPages } from './walker';

export interface Violation {
  invariant: string;
  message: string;
  url?: string;
}

export interface WalkExpectation {
  /** The first page's URL (path filled in, PageSize set when the list takes one). */
  url: string;
  pageSize: number;
  /** The item field that identifies an item (none: items are told apart by content). */
  idField: string | undefined;
  /** Dataset size when the target is known (local provider); unknown on live providers. */
  count?: number;
  itemsKey: string;
  /** Where the list's paging fields are (default: meta). */
  envelope?: Envelope;
  /** How many previous_page_url links to follow back (each costs a request). */
  checkPrevious?: number;
  maxPages?: number;
}

/** Violations kept per invariant: a page of a million duplicates is counted, not listed. */
export const KEPT_PER_INVARIANT = 20;

export interface WalkResult {
  /** At most KEPT_PER_INVARIANT per invariant, in order found. */
  violations: Violation[];
  /** How many more were found and not kept. */
  omitted: number;
  ids: string[];
  pages: number;
  /** The walk stopped at the request budget or the deadline before the last page: end-of-list invariants unjudged. */
  cutShort?: string;
}

/**
 * meta.url names the page fetched: same origin and path, every query parameter sent kept (defaults
 * may be added). API v2010's `uri` is a path on the host (`relative`).
 */
const namesPage = (metaUrl: unknown, fetched: string, relative: boolean): boolean => {
  if (typeof metaUrl !== 'string') return false;
  if (relative && !metaUrl.startsWith('/')) return false;
  try {
    const a = relative ? new URL(metaUrl, fetched) : new URL(metaUrl);
    const b = new URL(fetched);
    return (
      a.origin === b.origin &&
      a.pathname === b.pathname &&
      [...b.searchParams].every(([k, v]) => a.searchParams.get(k) === v)
    );
  } catch {
    return false;
  }
};

export async function walkAndCheck(transport: HttpTransport, e: WalkExpectation): Promise<WalkResult> {
  const violations: Violation[] = [];
  const found = new Map<string, number>();
  let omitted = 0;
  const add = (invariant: string, message: string, url?: string) => {
    const n = (found.get(invariant) ?? 0) + 1;
    found.set(invariant, n);
    if (n > KEPT_PER_INVARIANT) omitted++;
    else violations.push({ invariant, message, ...(url ? { url } : {}) });
  };
  const ids: string[] = [];
  const seen = new Set<string>();
  let firstPageUrl: unknown;
  let previousItems: string[] | undefined;
  let pages = 0;
  let previousChecks = e.checkPrevious ?? 2;
  const maxPages = e.maxPages ?? (e.count === undefined ? 200 : Math.ceil(e.count / e.pageSize) + 3);
  const walk = walkPages(transport, e.url, {
    maxPages,
    itemsKey: e.itemsKey,
    ...(e.envelope ? { envelope: e.envelope } : {}),
  });

  let cutShort: string | undefined;
  for (;;) {
    let step: IteratorResult<WalkedPage, WalkStop>;
    try {
      step = await walk.next();
    } catch (error) {
      // The budget or the deadline ends the walk: every page it fetched was judged, the end was not.
      if (!(error instanceof RunLimitError) || pages === 0) throw error;
      cutShort = error.message;
      break;
    }
    if (step.done) {
      const stop = step.value;
      if (stop.kind === 'loop')
        add(
          'terminates',
          `the next page link of page ${stop.index - 1} leads back to page ${stop.firstSeenAt} (${stop.url}): the list loops`,
          stop.url,
        );
      if (stop.kind === 'limit') add('terminates', `still not at the last page after ${stop.pages} pages`);
      // A page that got no answer at all is the network's (a transport finding), not the list's.
      if (
        stop.kind === 'failed' &&
        stop.status === undefined &&
        !/not a URL|not JSON|not a JSON object/.test(stop.message)
      )
        throw new RunLimitError(stop.message);
      if (stop.kind === 'failed')
        add('every-page-served', `page ${stop.index} answered ${stop.status ?? stop.message}`, stop.url);
      break;
    }
    const page = step.value;
    pages++;
    const pageIds = page.items.map((it) => itemIdentity(it, e.idField));
    const paging = page.paging;
    const { names } = paging;
    if (paging.get('page') !== page.index)
      add(
        'page-counter',
        `page ${page.index} says ${paging.label('page')} ${JSON.stringify(paging.get('page'))}`,
        page.url,
      );
    if (page.index === 0) firstPageUrl = paging.get('first');
    else if (paging.get('first') !== firstPageUrl) {
      add(
        'first-page-url-stable',
        `${names.first} on page ${page.index} is ${JSON.stringify(paging.get('first'))}, on page 0 it was ${JSON.stringify(firstPageUrl)}`,
        page.url,
      );
    }
    if (!namesPage(paging.get('url'), page.url, paging.envelope === 'flat'))
      add(
        'url-is-own',
        `${paging.label('url')} on page ${page.index} is ${JSON.stringify(paging.get('url'))}, but the page was fetched from ${page.url}`,
        page.url,
      );
    for (const id of pageIds) {
      if (seen.has(id)) add('no-duplicate', `item ${id} appears again on page ${page.index}`, page.url);
      seen.add(id);
      ids.push(id);
    }
    const hasNext = typeof paging.get('next') === 'string';
    if (hasNext && pageIds.length !== e.pageSize)
      add(
        'full-pages',
        `page ${page.index} has ${pageIds.length} items but is not the last (PageSize ${e.pageSize})`,
        page.url,
      );
    if (page.index > 0 && pageIds.length === 0)
      add(
        'last-page-ends',
        `page ${page.index} is empty: the page before it should have had ${names.next} null`,
        page.url,
      );
    if (page.index > 0 && previousItems && previousChecks > 0) {
      previousChecks--;
      const back = paging.get('previous');
      const r = typeof back === 'string' ? await transport.get(back) : undefined;
      if (r && isRunLimit(r)) {
        cutShort = r.error?.message ?? 'run limit';
        break;
      }
      const backIds =
        r?.response?.status === 200 ? itemIds(r.response.body, e.itemsKey, e.idField) : undefined;
      if (JSON.stringify(backIds) !== JSON.stringify(previousItems)) {
        add(
          'previous-leads-back',
          `${names.previous} of page ${page.index} (${JSON.stringify(back)}) gives ${backIds ? `[${backIds.slice(0, 3).join(', ')}…]` : `no page (${r?.response?.status ?? r?.error?.message ?? 'no link'})`}, not page ${page.index - 1}'s items [${previousItems.slice(0, 3).join(', ')}…]`,
          page.url,
        );
      }
    }
    previousItems = pageIds;
  }
  if (
    e.count !== undefined &&
    cutShort === undefined &&
    !violations.some((v) => v.invariant === 'terminates' || v.invariant === 'every-page-served')
  ) {
    const expectedPages = Math.max(1, Math.ceil(e.count / e.pageSize));
    if (pages !== expectedPages)
      add(
        'page-count',
        `walked ${pages} pages; ${e.count} items at PageSize ${e.pageSize} make ${expectedPages}`,
      );
    if (seen.size !== e.count) add('no-loss', `walked ${seen.size} distinct items of ${e.count}`);
  }
  return { violations, omitted, ids, pages, ...(cutShort !== undefined ? { cutShort } : {}) };
}

function itemIds(body: string, itemsKey: string, idField: string | undefined): string[] | undefined {
  try {
    const parsed = parseProviderJson(body);
    const items = parsed.ok && isRecord(parsed.value) ? parsed.value[itemsKey] : undefined;
    return Array.isArray(items) ? items.map((it) => itemIdentity(it, idField)) : undefined;
  } catch {
    return undefined;
  }
}
