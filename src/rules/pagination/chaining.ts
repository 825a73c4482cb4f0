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
  const judge = new WalkJudge(transport, e);
  const maxPages = e.maxPages ?? (e.count === undefined ? 200 : Math.ceil(e.count / e.pageSize) + 3);
  const walk = walkPages(transport, e.url, {
    maxPages,
    itemsKey: e.itemsKey,
    ...(e.envelope ? { envelope: e.envelope } : {}),
  });
  for (;;) {
    let step: IteratorResult<WalkedPage, WalkStop>;
    try {
      step = await walk.next();
    } catch (error) {
      // The budget or the deadline ends the walk: every page it fetched was judged, the end was not.
      if (!(error instanceof RunLimitError) || judge.pages === 0) throw error;
      judge.cutShort = error.message;
      break;
    }
    if (step.done) {
      judge.stopped(step.value);
      break;
    }
    const pageIds = judge.page(step.value);
    if (!(await judge.previousLeadsBack(step.value, pageIds))) break;
  }
  judge.end();
  return judge.result();
}

/** The walk's invariants, judged page by page as the walk goes, then at its end. */
class WalkJudge {
  private readonly violations: Violation[] = [];
  private readonly found = new Map<string, number>();
  private omitted = 0;
  private readonly ids: string[] = [];
  private readonly seen = new Set<string>();
  private firstPageUrl: unknown;
  private previousItems: string[] | undefined;
  private previousChecks: number;
  pages = 0;
  cutShort: string | undefined;

  constructor(
    private readonly transport: HttpTransport,
    private readonly e: WalkExpectation,
  ) {
    this.previousChecks = e.checkPrevious ?? 2;
  }

  private add(invariant: string, message: string, url?: string): void {
    const n = (this.found.get(invariant) ?? 0) + 1;
    this.found.set(invariant, n);
    if (n > KEPT_PER_INVARIANT) this.omitted++;
    else this.violations.push({ invariant, message, ...(url ? { url } : {}) });
  }

  /** How the walk ended: a loop, too many pages, a page not served (no answer at all: the network's). */
  stopped(stop: WalkStop): void {
    if (stop.kind === 'loop')
      this.add(
        'terminates',
        `the next page link of page ${stop.index - 1} leads back to page ${stop.firstSeenAt} (${stop.url}): the list loops`,
        stop.url,
      );
    if (stop.kind === 'limit') this.add('terminates', `still not at the last page after ${stop.pages} pages`);
    // A page that got no answer at all is the network's (a transport finding), not the list's.
    if (
      stop.kind === 'failed' &&
      stop.status === undefined &&
      !/not a URL|not JSON|not a JSON object/.test(stop.message)
    )
      throw new RunLimitError(stop.message);
    if (stop.kind === 'failed')
      this.add('every-page-served', `page ${stop.index} answered ${stop.status ?? stop.message}`, stop.url);
  }

  /** The invariants one page shows on its own and against the pages before it; returns its items' ids. */
  page(page: WalkedPage): string[] {
    const { e } = this;
    this.pages++;
    const pageIds = page.items.map((it) => itemIdentity(it, e.idField));
    const { paging } = page;
    const { names } = paging;
    if (paging.get('page') !== page.index)
      this.add(
        'page-counter',
        `page ${page.index} says ${paging.label('page')} ${JSON.stringify(paging.get('page'))}`,
        page.url,
      );
    if (page.index === 0) this.firstPageUrl = paging.get('first');
    else if (paging.get('first') !== this.firstPageUrl) {
      this.add(
        'first-page-url-stable',
        `${names.first} on page ${page.index} is ${JSON.stringify(paging.get('first'))}, on page 0 it was ${JSON.stringify(this.firstPageUrl)}`,
        page.url,
      );
    }
    if (!namesPage(paging.get('url'), page.url, paging.envelope === 'flat'))
      this.add(
        'url-is-own',
        `${paging.label('url')} on page ${page.index} is ${JSON.stringify(paging.get('url'))}, but the page was fetched from ${page.url}`,
        page.url,
      );
    for (const id of pageIds) {
      if (this.seen.has(id))
        this.add('no-duplicate', `item ${id} appears again on page ${page.index}`, page.url);
      this.seen.add(id);
      this.ids.push(id);
    }
    const hasNext = typeof paging.get('next') === 'string';
    if (hasNext && pageIds.length !== e.pageSize)
      this.add(
        'full-pages',
        `page ${page.index} has ${pageIds.length} items but is not the last (PageSize ${e.pageSize})`,
        page.url,
      );
    if (page.index > 0 && pageIds.length === 0)
      this.add(
        'last-page-ends',
        `page ${page.index} is empty: the page before it should have had ${names.next} null`,
        page.url,
      );
    return pageIds;
  }

  /**
   * The page's previous link gives the page before's items (the first few pages only: each costs a
   * request). False when the run's limit stopped that request: the walk ends there.
   */
  async previousLeadsBack(page: WalkedPage, pageIds: string[]): Promise<boolean> {
    const { e } = this;
    const previousItems = this.previousItems;
    this.previousItems = pageIds;
    if (page.index === 0 || !previousItems || this.previousChecks <= 0) return true;
    this.previousChecks--;
    const back = page.paging.get('previous');
    const r = typeof back === 'string' ? await this.transport.get(back) : undefined;
    if (r && isRunLimit(r)) {
      this.cutShort = r.error?.message ?? 'run limit';
      return false;
    }
    const backIds = r?.response?.status === 200 ? itemIds(r.response.body, e.itemsKey, e.idField) : undefined;
    if (JSON.stringify(backIds) !== JSON.stringify(previousItems)) {
      this.add(
        'previous-leads-back',
        `${page.paging.names.previous} of page ${page.index} (${JSON.stringify(back)}) gives ${backIds ? `[${backIds.slice(0, 3).join(', ')}…]` : `no page (${r?.response?.status ?? r?.error?.message ?? 'no link'})`}, not page ${page.index - 1}'s items [${previousItems.slice(0, 3).join(', ')}…]`,
        page.url,
      );
    }
    return true;
  }

  /** End-of-list invariants, when the dataset's size is known and the walk reached the end. */
  end(): void {
    const { e } = this;
    if (
      e.count === undefined ||
      this.cutShort !== undefined ||
      this.violations.some((v) => v.invariant === 'terminates' || v.invariant === 'every-page-served')
    )
      return;
    const expectedPages = Math.max(1, Math.ceil(e.count / e.pageSize));
    if (this.pages !== expectedPages)
      this.add(
        'page-count',
        `walked ${this.pages} pages; ${e.count} items at PageSize ${e.pageSize} make ${expectedPages}`,
      );
    if (this.seen.size !== e.count)
      this.add('no-loss', `walked ${this.seen.size} distinct items of ${e.count}`);
  }

  result(): WalkResult {
    const { violations, omitted, ids, pages, cutShort } = this;
    return { violations, omitted, ids, pages, ...(cutShort !== undefined ? { cutShort } : {}) };
  }
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
