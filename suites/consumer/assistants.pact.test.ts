// The real twilio@5 client as consumer of every GET operation of the model: each test is one HTTP
// exchange written down (given / uponReceiving / withRequest / willRespondWith) and asserts what the
// application gets from the client (mapped fields, parsed dates, pages, errors). Operations are
// data: a new operation in the model gets its interactions with no code change. Provider states are
// generic and carry the operation, so any provider can set up or find the data.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { MatchersV3 } from '@pact-foundation/pact';
import { beforeAll, describe, expect, it } from 'vitest';
import { fillPath, type Operation, operationLabel } from '../../src/model/operation';
import { type WriteOperation, writeLabel } from '../../src/model/writes';
import { matcherFor } from '../../src/pact/matchers';
import { STATES } from '../../src/pact/provider-states';
import { pageSizeBounds } from '../../src/rules/invariants';
import { tagField, validBody } from '../../src/schemas/bodies';
import {
  bodyMatcher,
  contract,
  exampleInstance,
  examplePage,
  examplePath,
  exampleWriteResponse,
  GENERATED_DIR,
  mappedFieldProblems,
  newPact,
  PACT_FILE,
  takesPage,
  twilioAccessor,
  twilioError,
  writeAccessor,
} from '../support/pact';
import { checkCommittedContract } from './contract-current';

const { fromProviderState } = MatchersV3;
const TOKEN = 'PTeyJvIjoyLCJwIjoxfQ.EVlU4g8Rjdrv_0W6vQXv-l';
const json = { 'Content-Type': 'application/json' };
const lists = contract.operations.filter((op) => op.kind === 'list');
const instances = contract.operations.filter((op) => op.kind === 'instance');

// Under CPU load (three suites at once on two cores) a request now and then never reaches Pact's
// mock server and the exchange fails with "expected but not received"; the exchange is retried
// (at most twice), and a real mismatch fails every attempt the same way.
describe('twilio-node 5.x as consumer of Assistants v1', { retry: 2 }, () => {
  // Pact merges into an existing file; start clean so a removed interaction does not linger.
  beforeAll(() => rmSync(join(GENERATED_DIR, PACT_FILE), { force: true }));

  describe.each(lists.map((op) => [operationLabel(op), op] as [string, Operation]))('%s', (_label, op) => {
    const { path, values } = examplePath(op);
    const bounds = pageSizeBounds(op);
    const nextQuery = `PageSize=2${takesPage(op) ? '&Page=1' : ''}&PageToken=${TOKEN}`;
    const nextUrl = `https://assistants.twilio.com${path}?${nextQuery}`;

    // The provider state picks a PageSize below the list's count (2 where it holds 3): a next page exists
    // whatever the provider made (a knowledge source's chunks are the provider's to count).
    it('reads a first page that has a next one', async () => {
      const example = examplePage(op, path, {
        count: 2,
        page: 0,
        next: nextUrl,
        previous: null,
        query: `PageSize=2${takesPage(op) ? '&Page=0' : ''}`,
      });
      await newPact()
        .addInteraction()
        .given(STATES.listHasItems, { operation: op.id, count: 3 })
        .uponReceiving(`a request for the first page of ${operationLabel(op)}, which has a next one`)
        .withRequest('GET', fromProviderState('${path}', path), (q) =>
          q.query({ PageSize: fromProviderState('${pageSize}', '2') }),
        )
        .willRespondWith(200, (r) => r.headers(json).jsonBody(bodyMatcher(op, example)))
        .executeTest(async (server) => {
          const { node, httpClient } = twilioAccessor(server.url, op, values);
          const page = await node.page({ pageSize: 2 });
          expect(page.instances).toHaveLength(2);
          expect(mappedFieldProblems(page.instances[0], exampleInstance(op, 0))).toEqual([]);
          expect(page.nextPageUrl).toMatch(/PageToken=/);
          expect(httpClient.sent.every((r) => r.params.PageSize === 2)).toBe(true);
        });
    });

    it('follows next_page_url to the last page', async () => {
      const example = examplePage(op, path, {
        count: 1,
        page: 1,
        next: null,
        previous: `https://assistants.twilio.com${path}?PageSize=2${takesPage(op) ? '&Page=0' : ''}&PageToken=PTeyJvIjowfQ.abc`,
        query: nextQuery,
      });
      await newPact()
        .addInteraction()
        .given(STATES.listHasItems, { operation: op.id, count: 3 })
        .uponReceiving(`a request for the next page of ${operationLabel(op)}, which is the last one`)
        .withRequest('GET', fromProviderState('${path}', path), (q) =>
          q.query({
            PageSize: fromProviderState('${pageSize}', '2'),
            ...(takesPage(op) ? { Page: fromProviderState('${page}', '1') } : {}),
            PageToken: fromProviderState('${pageToken}', TOKEN),
          }),
        )
        .willRespondWith(200, (r) => r.headers(json).jsonBody(bodyMatcher(op, example)))
        .executeTest(async (server) => {
          const { node } = twilioAccessor(server.url, op, values);
          const last = await node.getPage(nextUrl);
          expect(last.instances.length).toBeGreaterThanOrEqual(1);
          expect(last.nextPageUrl).toBeUndefined();
          expect(await last.nextPage()).toBeUndefined();
        });
    });

    it.runIf(bounds !== undefined)(
      'gets 400 with a Twilio error for a PageSize above the maximum',
      async () => {
        const tooBig = String((bounds?.max ?? 0) + 1);
        await newPact()
          .addInteraction()
          .given(STATES.listHasItems, { operation: op.id, count: 3 })
          .uponReceiving(`a request for a page of ${operationLabel(op)} with PageSize ${tooBig}`)
          .withRequest('GET', fromProviderState('${path}', path), (q) => q.query({ PageSize: tooBig }))
          .willRespondWith(400, (r) => r.headers(json).jsonBody(twilioError(400, 20001)))
          .executeTest(async (server) => {
            const { node } = twilioAccessor(server.url, op, values);
            const error = await node.page({ pageSize: Number(tooBig) }).catch((e: unknown) => e);
            expect(error).toMatchObject({ status: 400, code: expect.any(Number) });
          });
      },
    );
  });

  describe.each(instances.map((op) => [operationLabel(op), op] as [string, Operation]))(
    '%s',
    (_label, op) => {
      it('fetches an existing item', async () => {
        const { path, values } = examplePath(op);
        const example = exampleInstance(op);
        await newPact()
          .addInteraction()
          .given(STATES.itemExists, { operation: op.id })
          .uponReceiving(`a request to ${operationLabel(op)} for an existing item`)
          .withRequest('GET', fromProviderState('${path}', path))
          .willRespondWith(200, (r) => r.headers(json).jsonBody(bodyMatcher(op, example)))
          .executeTest(async (server) => {
            const { node } = twilioAccessor(server.url, op, values);
            const instance = await node.fetch();
            expect(mappedFieldProblems(instance, example)).toEqual([]);
          });
      });

      it('gets a Twilio 404 for an unknown id', async () => {
        const { path, values } = examplePath(op, true);
        await newPact()
          .addInteraction()
          .given(STATES.noItem, { operation: op.id })
          .uponReceiving(`a request to ${operationLabel(op)} for an id that does not exist`)
          .withRequest('GET', fromProviderState('${path}', path))
          .willRespondWith(404, (r) => r.headers(json).jsonBody(twilioError(404, 20404)))
          .executeTest(async (server) => {
            const { node } = twilioAccessor(server.url, op, values);
            const error = await node.fetch().catch((e: unknown) => e);
            expect(error).toMatchObject({
              status: 404,
              code: 20404,
              moreInfo: 'https://www.twilio.com/docs/errors/20404',
            });
          });
      });
    },
  );

  // Every write through twilio-node: the request body pinned by matchers from the request schema,
  // the path, the run's tag and the ids the body refers to given by the provider state, which makes
  // (and afterwards removes) what the write needs.
  describe.each(contract.writes.map((w) => [writeLabel(w), w] as [string, WriteOperation]))(
    '%s',
    (_label, w) => {
      it(`${w.action}s through twilio-node`, async () => {
        const values = Object.fromEntries(w.pathParams.map((p) => [p.name, `example-${p.name}`]));
        const path = fillPath(w.path, values);
        const tagged = tagField(w);
        // A send names the conversation it makes: the state gives it a new name carrying the run's tag.
        const names = (w.effect.names ?? []).map((n) => n.field).filter((f) => w.request?.properties?.[f]);
        const built = validBody(w, { seed: 3, tag: 'conformance-pact' });
        const example = built && {
          ...built,
          ...Object.fromEntries(names.map((f) => [f, `conformance-pact-${f}`])),
        };
        const supplied = new Set(
          (contract.writes.find((x) => x.action === 'send')?.effect.names ?? []).map((n) => n.field),
        );
        // A field naming an item comes from the state (the item it made) even where it also carries the tag.
        const body =
          example &&
          Object.fromEntries(
            Object.entries(matcherFor(w.request, example) as Record<string, unknown>).map(([field, m]) => [
              field,
              supplied.has(field) || (w.request?.properties?.[field]?.pattern && /_id$/.test(field))
                ? fromProviderState(`\${${field}}`, String(example[field]))
                : field === tagged
                  ? fromProviderState('${tag}', String(example[field]))
                  : m,
            ]),
          );
        const reply = exampleWriteResponse(w);
        const status = w.success[0] ?? 200;
        await newPact()
          .addInteraction()
          .given(STATES.writeReady, { operation: w.id })
          .uponReceiving(`a ${w.action} through ${writeLabel(w)}`)
          .withRequest(w.method, fromProviderState('${path}', path), (r) =>
            body ? r.headers(json).jsonBody(body) : r,
          )
          .willRespondWith(status, (r) =>
            reply ? r.headers(json).jsonBody(matcherFor(w.response, reply)) : r,
          )
          .executeTest(async (server) => {
            const { node } = writeAccessor(server.url, w, values);
            const call =
              w.action === 'delete' || w.action === 'detach'
                ? node.remove()
                : w.action === 'update'
                  ? node.update(example ?? {})
                  : w.request
                    ? node.create(example)
                    : node.create();
            if (w.method === 'POST' && status === 204) {
              // KNOWN CONSUMER DEFECT (twilio-node 5.13.1): create() parses the body of the documented
              // 204 as JSON and rejects, though the write was made. Asserted so a fix is noticed.
              await expect(call).rejects.toThrow(/JSON/);
              console.warn(
                `KNOWN CONSUMER DEFECT twilio-node 5.13.1: ${writeLabel(w)} answers the documented 204 and create() rejects ("Unexpected end of JSON input"); the write was made: treat that rejection as success`,
              );
              return;
            }
            const result = await call;
            if (w.action === 'delete' || w.action === 'detach') expect(result).toBe(true);
            else expect(result).toBeTruthy();
          });
      });
    },
  );

  // Last in the file: vitest runs a file's tests in order, so the pact is complete here.
  it('writes the contract that is committed in contracts/ (UPDATE_CONTRACTS=1 to accept a change)', () => {
    expect(checkCommittedContract()).toEqual([]);
  });
});
