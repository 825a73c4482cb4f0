// Rules of a list page's envelope, for every list operation: meta.key, page size, page URLs.

import type { Finding } from '../finding';
import { isRecord } from '../json';
import { itemsKeyProblem, pageSizeBounds } from './invariants';
import { finding, type Observation, type ObservationRule, succeeded } from './rule';

const isListPage = (o: Observation) => succeeded(o) && o.expect.body === 'list' && isRecord(o.json);

export const metaKey: ObservationRule = {
  name: 'list.meta-key',
  kind: 'list',
  asserts: 'meta.key names the items array (clients read payload[meta.key])',
  needs: 'list operations',
  appliesTo: (op) => op.kind === 'list',
  applies: isListPage,
  run: (o) => {
    const problem = itemsKeyProblem(o.json);
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
  appliesTo: (op) => op.kind === 'list',
  applies: isListPage,
  run: (o) => {
    const bounds = pageSizeBounds(o.op);
    const body = o.json as Record<string, unknown>;
    const meta = isRecord(body.meta) ? body.meta : {};
    const asked = o.pageSize === undefined ? bounds?.default : Number(o.pageSize);
    const out: Finding[] = [];
    if (asked !== undefined && meta.page_size !== asked) {
      out.push(
        finding('list.page-size', o, {
          severity: 'error',
          pointer: '/meta/page_size',
          expected: asked,
          actual: meta.page_size,
          message: `meta.page_size is ${JSON.stringify(meta.page_size)}, but PageSize ${asked} was asked for`,
        }),
      );
    }
    const items = o.op.itemsKey ? body[o.op.itemsKey] : undefined;
    const declared = typeof meta.page_size === 'number' ? meta.page_size : undefined;
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

const URL_FIELDS = ['url', 'first_page_url', 'next_page_url', 'previous_page_url'] as const;

export const pageUrls: ObservationRule = {
  name: 'list.page-urls',
  kind: 'list',
  asserts:
    'meta.url, first_page_url, next_page_url and previous_page_url are absolute URLs on the same host and path',
  needs: 'list operations',
  appliesTo: (op) => op.kind === 'list',
  applies: isListPage,
  run: (o) => {
    const body = o.json as Record<string, unknown>;
    const meta = isRecord(body.meta) ? body.meta : {};
    const request = safeUrl(o.exchange.request.url);
    if (!request) return [];
    const out: Finding[] = [];
    for (const field of URL_FIELDS) {
      const value = meta[field];
      if (value === null && (field === 'next_page_url' || field === 'previous_page_url')) continue;
      const problem = urlProblem(value, request);
      if (problem) {
        out.push(
          finding('list.page-urls', o, {
            severity: 'error',
            pointer: `/meta/${field}`,
            expected: `${request.origin}${request.pathname}?…`,
            actual: value,
            message: `meta.${field} ${problem}`,
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

function urlProblem(value: unknown, request: URL): string | undefined {
  if (typeof value !== 'string') return `is ${JSON.stringify(value)}, not a URL`;
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? safeUrl(value) : undefined;
  if (!url) return `is not an absolute URL: ${JSON.stringify(value)}`;
  if (url.origin !== request.origin) return `is on ${url.origin}, not on ${request.origin}`;
  if (url.pathname !== request.pathname) return `has path ${url.pathname}, not ${request.pathname}`;
  return undefined;
}

export const LIST_RULES: readonly ObservationRule[] = [metaKey, pageSize, pageUrls];
