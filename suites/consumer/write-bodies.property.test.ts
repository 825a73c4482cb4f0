// twilio-node as consumer of every write with a body: for any valid parameters a caller passes to
// create or update, the request body twilio-node sends validates against the spec's request schema
// (it must not rename, drop or retype what the caller gave). Bodies are generated from the request
// schema itself: the required fields always, any subset of the optional ones, values the spec allows.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WriteOperation, writeLabel } from '../../src/model/writes';
import { validBody } from '../../src/schemas/bodies';
import { LOCAL_PROVIDER_CREDENTIALS, type RunningProvider, startProvider } from '../../src/targets/targets';
import { writeAccessor } from '../support/pact';
import { contract } from '../support/provider';

const withBodies = contract.writes.filter((w) => w.request?.properties && w.action !== 'delete');
let provider: RunningProvider;
beforeAll(async () => {
  provider = await startProvider({ contract, items: 3, credentials: LOCAL_PROVIDER_CREDENTIALS });
});
afterAll(() => provider.close());

/** A body the spec accepts: every required field, and the chosen optional ones. */
function bodyOf(w: WriteOperation, seed: number, optional: readonly string[]): Record<string, unknown> {
  const all = validBody(w, { seed, optional: true }) ?? {};
  const required = new Set(w.request?.required ?? []);
  return Object.fromEntries(Object.entries(all).filter(([k]) => required.has(k) || optional.includes(k)));
}

describe('consumer property: twilio-node sends write bodies the request schema accepts', () => {
  it.each(withBodies.map((w) => [writeLabel(w), w] as [string, WriteOperation]))('%s', async (_label, w) => {
    const optional = Object.keys(w.request?.properties ?? {}).filter(
      (k) => !w.request?.required?.includes(k),
    );
    const values = Object.fromEntries(w.pathParams.map((p) => [p.name, `example-${p.name}`]));
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.subarray(optional), async (seed, chosen) => {
        const body = bodyOf(w, seed, chosen);
        // The generated body is valid by construction: checked, so the property cannot pass vacuously.
        expect(contract.validateWrite(w, 'request', body)).toEqual([]);
        const { node, httpClient } = writeAccessor(provider.url, w, values);
        // Unknown ids answer 404: only what twilio-node sent matters here.
        await (w.action === 'update' ? node.update({ ...body }) : node.create({ ...body })).catch(
          () => undefined,
        );
        const [sent] = httpClient.sent;
        expect(sent?.method).toBe(w.method);
        expect(contract.validateWrite(w, 'request', sent?.data)).toEqual([]);
        expect(sent?.data).toEqual(body);
      }),
      { numRuns: 20, seed: 20261127 },
    );
  });
});
