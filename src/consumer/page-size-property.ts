// The consumer side of PageSize: for any limit / pageSize a caller passes to twilio-node, every
// request the client sends must carry a PageSize in 1–1000. twilio-node 5.13.1 copies `limit`
// into PageSize when no pageSize is given (Version.readLimits), so limit > 1000 breaks it.

import fc from 'fast-check';
import { sessionsClient } from './twilio-client';

export interface ListCall {
  limit?: number;
  pageSize?: number;
}

const MAX_PAGE_SIZE = 1000;

/** The PageSizes a `sessions.list(call)` sent that fall outside 1–1000 (absent means the default). */
export async function outOfRangePageSizes(baseUrl: string, call: ListCall): Promise<number[]> {
  const { sessions, httpClient } = sessionsClient(baseUrl, {
    accountSid: `AC${'0'.repeat(32)}`,
    authToken: 'property',
  });
  // A copy: twilio-node adds callback/done to the object it is given. A 400 for PageSize 5000 is
  // the symptom, not the test.
  await sessions.list({ ...call }).catch(() => undefined);
  return httpClient.sent
    .map((r) => r.params.PageSize)
    .filter((p): p is number => p !== undefined)
    .map(Number)
    .filter((p) => !(Number.isInteger(p) && p >= 1 && p <= MAX_PAGE_SIZE));
}

const optional = (arb: fc.Arbitrary<number>) => fc.option(arb, { nil: undefined });

/** Any call a caller might write; and the documented workaround, pageSize always given. */
export const anyListCall = fc
  .record({
    limit: optional(fc.integer({ min: 1, max: 5000 })),
    pageSize: optional(fc.integer({ min: 1, max: MAX_PAGE_SIZE })),
  })
  .map((c): ListCall => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)));
export const workaroundListCall = fc
  .record({
    limit: optional(fc.integer({ min: 1, max: 5000 })),
    pageSize: fc.integer({ min: 1, max: MAX_PAGE_SIZE }),
  })
  .map((c): ListCall => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)));

export function pageSizeProperty(baseUrl: string, calls: fc.Arbitrary<ListCall>) {
  return fc.asyncProperty(calls, async (call) => (await outOfRangePageSizes(baseUrl, call)).length === 0);
}
