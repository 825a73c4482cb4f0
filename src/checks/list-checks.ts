// Checks of a list page's envelope: meta.key, page size, and the page URLs.

import { itemsKeyProblem } from '../contract/envelope';
import { DEFAULT_PAGE_SIZE } from '../derive/twilio-conventions';
import type { Finding } from '../findings';
import { isRecord } from '../json';
import { type Check, finding, type Observation, succeeded } from './observation';

const isListPage = (o: Observation) => succeeded(o) && o.expect.body === 'list' && isRecord(o.json);

export const metaKey: Check = {
  id: 'list.meta-key',
  description: 'meta.key names the items array (clients read payload[meta.key])',
  operations: ['list'],
  applies: isListPage,
  run: (o) => {
    const problem = itemsKeyProblem(o.json);
    if (!problem) return [];
    return [
      finding('list.meta-key', o, {
        severity: 'error',
        pointer: '/meta/key',
        expected: problem.expected,
        actual: problem.actual,
        message: `meta.key is ${JSON.stringify(problem.actual)} but the items are in ${problem.expected.map((k) => JSON.stringify(k)).join(', ') || 'no array'}; clients read payload[meta.key] and find nothing`,
      }),
    ];
  },
};

export const pageSize: Check = {
  id: 'list.page-size',
  description: `meta.page_size echoes the PageSize asked for (${DEFAULT_PAGE_SIZE} when none) and the page holds at most that many items`,
  operations: ['list'],
  applies: isListPage,
  run: (o, contract) => {
    const body = o.json as Record<string, unknown>;
    const meta = isRecord(body.meta) ? body.meta : {};
    const asked = o.pageSize === undefined ? DEFAULT_PAGE_SIZE : Number(o.pageSize);
    const out: Finding[] = [];
    if (meta.page_size !== asked) {
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
    const items = body[contract.itemsKey];
    const limit = Math.min(asked, typeof meta.page_size === 'number' ? meta.page_size : asked);
    if (Array.isArray(items) && items.length > limit) {
      out.push(
        finding('list.page-size', o, {
          severity: 'error',
          pointer: `/${contract.itemsKey}`,
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

export const pageUrls: Check = {
  id: 'list.page-urls',
  description:
    'meta.url, first_page_url, next_page_url and previous_page_url are absolute URLs on the same host and path',
  operations: ['list'],
  applies: isListPage,
  run: (o) => {
    const meta = isRecord((o.json as Record<string, unknown>).meta)
      ? ((o.json as Record<string, unknown>).meta as Record<string, unknown>)
      : {};
    const request = new URL(o.exchange.request.url);
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

function urlProblem(value: unknown, request: URL): string | undefined {
  if (typeof value !== 'string') return `is ${JSON.stringify(value)}, not a URL`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `is not an absolute URL: ${JSON.stringify(value)}`;
  }
  if (url.origin !== request.origin) return `is on ${url.origin}, not on ${request.origin}`;
  if (url.pathname !== request.pathname) return `has path ${url.pathname}, not ${request.pathname}`;
  return undefined;
}
