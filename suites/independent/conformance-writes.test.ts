// Acceptance (issue #27): a user runs `npm run conformance -- --target live --base-url <stand-in>
// --writes <AccountSid>` against a strict stand-in for Twilio written from the sources alone (not from
// this project's model or provider). On an empty account and on one with data, the run must pass:
// every write answered 2xx, all 30 operations judged, nothing it made left, nothing that was there
// changed. A failure prints the run's verdict, its blocking findings and every body the stand-in refused.

import { describe, it } from 'vitest';
import {
  conformance,
  expectLeftAsFound,
  explain,
  judged,
  writesAnswered2xx,
} from '../support/independent/acceptance';
import { standIn } from '../support/independent/client';
import { ROUTES } from '../support/independent/server';

const OPERATIONS = ROUTES.map((r) => `${r.method} ${r.path}`).sort();
const WRITES = ROUTES.filter((r) => r.method !== 'GET')
  .map((r) => r.operation)
  .sort();

// The two accounts side by side: a stand-in and a run's process each (expect.soft from each test's context).
describe.concurrent('a writing run against the independent stand-in', () => {
  it.for([
    ['an empty account', 0],
    ['an account with data', 3],
  ] as const)(
    '%s: exit 0, all 15 writes answered 2xx, all 30 operations judged, the account left as found',
    { timeout: 180_000 },
    async ([_n, items], { expect }) => {
      const s = await standIn({ items, processingMs: 500 });
      const before = s.store.snapshot();
      const r = await conformance(s);
      const why = explain(r, s);
      expect(WRITES).toHaveLength(15);
      expect.soft(r.status, why).toBe(0);
      expect.soft(r.report?.verdict.passed, why).toBe(true);
      expect.soft(writesAnswered2xx(s), why).toEqual(WRITES);
      expect.soft(judged(r.report), why).toEqual(OPERATIONS);
      expectLeftAsFound(before, s.store.snapshot(), expect);
    },
  );
});
