// fetch.matches-list: an item processed asynchronously may move on between the list read and the
// fetch (its status, and the date that moves with it) — no disagreement; any other field is one.

import { describe, expect, it } from 'vitest';
import type { Observation } from '../../src/rules/rule';
import { fetchMatchesList } from '../../src/rules/scenario';
import { contract } from '../support/provider';

const fetch = contract.operations.find(
  (o) => o.kind === 'instance' && o.pairsWith && /Knowledge\/\{[^}]+\}$/.test(o.path),
);
const item = {
  id: 'aia_know_1',
  name: 'n',
  type: 'Text',
  status: 'PROCESSING',
  date_created: '2026-01-01T00:00:00Z',
  date_updated: '2026-01-01T00:00:00Z',
};
const observe = (listed: object, fetched: object): Observation => ({
  scenario: 'fetch-listed',
  op: fetch as NonNullable<typeof fetch>,
  expect: { status: 200, body: 'instance' },
  exchange: {
    request: { method: 'GET', url: 'http://h/x', authenticated: true },
    response: { status: 200, headers: {}, body: JSON.stringify(fetched) },
    attempts: 1,
    durationMs: 1,
  },
  listEntry: listed,
  json: fetched,
});

describe('fetch.matches-list and processing', () => {
  it('a status and its date that moved on between the two reads are no disagreement', () => {
    const later = { ...item, status: 'COMPLETED', date_updated: '2026-01-01T00:00:05Z' };
    expect(fetchMatchesList.run(observe(item, later), contract)).toEqual([]);
  });

  it('any other field that differs is one, processing or not', () => {
    const renamed = { ...item, status: 'COMPLETED', name: 'other' };
    expect(fetchMatchesList.run(observe(item, renamed), contract).map((f) => f.pointer)).toEqual(['/name']);
    const dated = { ...item, date_updated: '2026-01-01T00:00:05Z' };
    expect(fetchMatchesList.run(observe(item, dated), contract).map((f) => f.pointer)).toEqual([
      '/date_updated',
    ]);
  });
});
