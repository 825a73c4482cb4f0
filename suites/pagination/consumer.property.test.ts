// twilio-node as consumer, on every list of the model: every request it sends must carry a PageSize
// within the list's query-schema bounds. The property finds twilio-node 5.13.1's defect (limit above
// the maximum without pageSize sends PageSize = limit), shrinks it to the smallest failing call, and
// is kept as a KNOWN DEFECT: the test asserts the defect is still there, so it is reported on every
// run and turns red the day twilio-node fixes it.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '../../src/model/operation';
import { curlFor } from '../../src/rules/curl';
import { type PageSizeBounds, pageSizeBounds } from '../../src/rules/invariants';
import { type RunningProvider, startProvider } from '../../src/targets/targets';
import { examplePath, twilioAccessor } from '../support/pact';
import { contract } from '../support/provider';

interface ListCall {
  limit?: number;
  pageSize?: number;
}

const lists = contract.operations.filter((o) => o.kind === 'list' && pageSizeBounds(o));
let provider: RunningProvider;
beforeAll(async () => {
  provider = await startProvider({ contract, items: 30 });
});
afterAll(() => provider.close());

/** The PageSizes that `list(call)` sent outside the list's bounds (absent means the default). */
async function outOfRange(op: Operation, call: ListCall): Promise<number[]> {
  const b = pageSizeBounds(op) as PageSizeBounds;
  // The parent ids of the example path are not the provider's: a 404 is fine, only what was sent counts.
  const { node, httpClient } = twilioAccessor(provider.url, op, examplePath(op).values);
  // A copy: twilio-node adds callback/done to the object it is given.
  await node.list({ ...call }).catch(() => undefined);
  return httpClient.sent
    .map((r) => r.params.PageSize)
    .filter((p) => p !== undefined)
    .map(Number)
    .filter((p) => !(Number.isInteger(p) && p >= b.min && p <= b.max));
}

const optional = (arb: fc.Arbitrary<number>) => fc.option(arb, { nil: undefined });
const compact = (c: Record<string, number | undefined>): ListCall =>
  Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined));
const anyCall = (b: PageSizeBounds) =>
  fc
    .record({
      limit: optional(fc.integer({ min: 1, max: 5 * b.max })),
      pageSize: optional(fc.integer({ min: b.min, max: b.max })),
    })
    .map(compact);
const workaround = (b: PageSizeBounds) =>
  fc
    .record({
      limit: optional(fc.integer({ min: 1, max: 5 * b.max })),
      pageSize: fc.integer({ min: b.min, max: b.max }),
    })
    .map(compact);
const property = (calls: (b: PageSizeBounds) => fc.Arbitrary<ListCall>) =>
  fc.asyncProperty(
    fc
      .constantFrom(...lists)
      .chain((op) => fc.tuple(fc.constant(op), calls(pageSizeBounds(op) as PageSizeBounds))),
    async ([op, call]) => (await outOfRange(op, call)).length === 0,
  );

describe('consumer property: twilio-node only sends PageSize within each list’s bounds', () => {
  it('KNOWN CONSUMER DEFECT (twilio-node 5.13.1): list({ limit > max }) without pageSize sends PageSize = limit', async () => {
    const details = await fc.check(property(anyCall), { numRuns: 300, seed: 20261125 });
    expect(
      details.failed,
      'the defect no longer reproduces: twilio-node fixed it; drop this known-defect test',
    ).toBe(true);
    const [[op, call] = []] = details.counterexample ?? [];
    const max = (pageSizeBounds(op as Operation) as PageSizeBounds).max;
    // Shrunk to the smallest failing call: limit one above the maximum, no pageSize.
    expect(call).toEqual({ limit: max + 1 });
    expect(await outOfRange(op as Operation, call as ListCall)).toEqual([max + 1]);
    const replay = curlFor({
      method: 'GET',
      url: `https://assistants.twilio.com${examplePath(op as Operation).path}?PageSize=${max + 1}`,
    });
    console.warn(
      `KNOWN CONSUMER DEFECT twilio-node 5.13.1: ${(op as Operation).id} list(${JSON.stringify(call)}) sends PageSize ${max + 1} ` +
        `(seed ${details.seed}, path "${details.counterexamplePath}"); the provider must answer 400:\n  ${replay}\n` +
        `  workaround: always pass pageSize ≤ ${max}`,
    );
  });

  it(`the workaround holds on all ${lists.length} lists: with pageSize given, every request is in range`, async () => {
    await fc.assert(property(workaround), { numRuns: 150, seed: 20261125 });
  });
});
