// Rules of a list page's envelope, for every list operation: meta.key, page size, page URLs. The
// paging fields are read through the list's envelope (src/model/twilio-conventions.ts): under
// `meta` with absolute URLs (v1 APIs), or beside the items with paths on the host (API v2010).

import type { Finding } from '../finding';
import { isRecord } from '../json';
import { envelopeOf, isPaged, pageView } from '../model/twilio-conventions';
import { itemsKeyProblem, pageSizeBounds } from './invariants';
import { finding, type Observation, type ObservationRule, succeeded } from './rule';

const isListPage = (o: Observation) => succeeded(o) && o.expect.body === 'list' && isRecord(o.json);

export const metaKey: ObservationRule = {
  name: 'list.meta-key',
  kind: 'list',
  asserts:
    'the items are in the array the contract names, and meta.key names it (clients read payload[meta.key])',
  needs: 'list operations',
  appliesTo: (op) => op.kind === 'list',
  applies: isListPage,
  run: (o) => {
    const problem = envelopeOf(o.op) === 'meta' ? itemsKeyProblem(o.json) : undefined;
    const out: Finding[] = [];
    if (problem) {
      out.push(
        finding('list.meta-key', o, {
          severity: 'error',
          pointer: '/meta/key',
          expected: problem.expected,
          actual: problem.actual,
          message: `meta.key is ${JSON.stringify(problem.actual)} but the items are in ${problem.expected.map((k) => JSON.stringify(k)).join(', ') || 'no array'}; clients read payload[meta.key] and find nothing`,
        }),
      );
    }
    const key = o.op.itemsKey;
    if (key && isRecord(o.json) && !Array.isArray(o.json[key])) {
      out.push(
        finding('list.meta-key', o, {
          severity: 'error',
          source: o.op.schemas.openapi ? 'openapi spec' : 'docs example',
          pointer: `/${key}`,
          expected: key,
          actual: Object.keys(o.json),
          message: `the page has no "${key}" array, the items key the contract documents`,
        }),
      );
    }
    return out;
  },
};

export const pageSize: ObservationRule = {
  name: 'list.page-size',
  kind: 'list',
  asserts:
    'meta.page_size echoes the PageSize asked for (the default when none) and the page holds at most that many items',
  needs: "the list-query schema's PageSize (bounds, default)",
  appliesTo: isPaged,
  applies: isListPage,
  run: (o) => {
    const bounds = pageSizeBounds(o.op);
    const body = o.json as Record<string, unknown>;
    const paging = pageView(o.op, body);
    const echoed = paging.get('pageSize');
    const asked = o.pageSize === undefined ? bounds?.default : Number(o.pageSize);
    const out: Finding[] = [];
    if (asked !== undefined && echoed !== asked) {
      out.push(
        finding('list.page-size', o, {
          severity: 'error',
          pointer: paging.pointer('pageSize'),
          expected: asked,
          actual: echoed,
          message: `${paging.label('pageSize')} is ${JSON.stringify(echoed)}, but PageSize ${asked} was asked for`,
        }),
      );
    }
    const items = o.op.itemsKey ? body[o.op.itemsKey] : undefined;
    const declared = typeof echoed === 'number' ? echoed : undefined;
    const limit = Math.min(asked ?? Number.POSITIVE_INFINITY, declared ?? Number.POSITIVE_INFINITY);
    if (Array.isArray(items) && items.length > limit) {
      out.push(
        finding('list.page-size', o, {
          severity: 'error',
          pointer: `/${o.op.itemsKey}`,
          expected: { maxItems: limit },
          actual: items.length,
          message: `the page holds ${items.length} items, more than PageSize ${limit}`,
        }),
      );
    }
    return out;
  },
};

const LINK_FIELDS = ['url', 'first', 'next', 'previous'] as const;

export const pageUrls: ObservationRule = {
  name: 'list.page-urls',
  kind: 'list',
  asserts:
    "the page's own, first, next and previous links name this list: absolute URLs on the same host and path (meta), or paths on the host (API v2010)",
  needs: 'list operations',
  appliesTo: isPaged,
  applies: isListPage,
  run: (o) => {
    const paging = pageView(o.op, o.json);
    const request = safeUrl(o.exchange.request.url);
    if (!request) return [];
    const out: Finding[] = [];
    for (const field of LINK_FIELDS) {
      const value = paging.get(field);
      if (value === null && (field === 'next' || field === 'previous')) continue;
      const problem = urlProblem(value, request, paging.envelope === 'flat');
      if (problem) {
        out.push(
          finding('list.page-urls', o, {
            severity: 'error',
            pointer: paging.pointer(field),
            expected: `${paging.envelope === 'flat' ? '' : request.origin}${request.pathname}?…`,
            actual: value,
            message: `${paging.label(field)} ${problem}`,
          }),
        );
      }
    }
    return out;
  },
};

const safeUrl = (s: string): URL | undefined => {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
};

/** What is wrong with a page link: absolute on the request's origin, or (`relative`) a path on it. */
function urlProblem(value: unknown, request: URL, relative: boolean): string | undefined {
  if (typeof value !== 'string') return `is ${JSON.stringify(value)}, not a URL`;
  if (relative && !value.startsWith('/')) return `is not a path on the API's host: ${JSON.stringify(value)}`;
  const url = relative
    ? safeUrl(new URL(value, request).toString())
    : /^[a-z][a-z0-9+.-]*:\/\//i.test(value)
      ? safeUrl(value)
      : undefined;
  if (!url) return `is not an absolute URL: ${JSON.stringify(value)}`;
  if (url.origin !== request.origin) return `is on ${url.origin}, not on ${request.origin}`;
  if (url.pathname !== request.pathname) return `has path ${url.pathname}, not ${request.pathname}`;
  return undefined;
}

export const LIST_RULES: readonly ObservationRule[] = [metaKey, pageSize, pageUrls];
