// The requests a conformance run makes, in order, each with what it expects. Later scenarios use
// what earlier ones learnt (a listed id, a next_page_url), so the same run works on any account.

import type { Contract } from '../contract/contract';
import { isRecord } from '../json';
import type { HttpTransport } from '../transport/http';
import { type Observation, parseBody } from './observation';

export const UNKNOWN_ID = 'conformance-unknown-session-id';
/** Small enough that a few sessions span pages, so next_page_url is exercised. */
export const SMALL_PAGE_SIZE = 2;
export const INVALID_PAGE_SIZES = ['0', '1001', 'abc'] as const;

export interface ScenarioOptions {
  /** Fetch this session instead of the first listed one. */
  sessionId?: string;
}

export async function runScenarios(
  transport: HttpTransport,
  contract: Contract,
  options: ScenarioOptions = {},
): Promise<Observation[]> {
  const list = contract.operation('list');
  const fetch = contract.operation('fetch');
  const listPath = contract.primary.listPath;
  const fetchPath = (id: string) => contract.primary.fetchPath.replace(/\{[^}]+\}/, encodeURIComponent(id));
  const observations: Observation[] = [];
  const observe = async (
    scenario: string,
    operation: string,
    url: string,
    expect: Observation['expect'],
    extra: Partial<Observation> = {},
    authenticate = true,
  ) => {
    const exchange = await transport.get(url, { authenticate });
    const o: Observation = { scenario, operation, expect, exchange, ...extra };
    parseBody(o);
    observations.push(o);
    return o;
  };

  const first = await observe('list-default', list, listPath, { status: 200, body: 'list' });
  const sized = await observe(
    'list-sized',
    list,
    `${listPath}?PageSize=${SMALL_PAGE_SIZE}`,
    { status: 200, body: 'list' },
    { pageSize: String(SMALL_PAGE_SIZE) },
  );
  const next = isRecord(sized.json) && isRecord(sized.json.meta) ? sized.json.meta.next_page_url : undefined;
  if (typeof next === 'string') {
    await observe(
      'list-next',
      list,
      next,
      { status: 200, body: 'list' },
      { pageSize: String(SMALL_PAGE_SIZE) },
    );
  }

  const items = isRecord(first.json) ? first.json[contract.itemsKey] : undefined;
  const listed = Array.isArray(items)
    ? items.find((it) => isRecord(it) && typeof it.id === 'string')
    : undefined;
  const id = options.sessionId ?? (isRecord(listed) ? (listed.id as string) : undefined);
  if (id !== undefined) {
    const entry = options.sessionId === undefined ? listed : undefined;
    await observe(
      'fetch-listed',
      fetch,
      fetchPath(id),
      { status: 200, body: 'resource' },
      entry ? { listEntry: entry } : {},
    );
  }
  await observe('fetch-unknown', fetch, fetchPath(UNKNOWN_ID), { status: 404, body: 'error' });
  for (const size of INVALID_PAGE_SIZES) {
    await observe(
      `list-page-size-invalid-${size}`,
      list,
      `${listPath}?PageSize=${size}`,
      { status: 400, body: 'error' },
      { pageSize: size },
    );
  }
  await observe('no-auth', list, listPath, { status: 401, body: 'error' }, {}, false);
  return observations;
}
