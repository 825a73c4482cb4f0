// The real twilio@5 client as consumer: each test is one HTTP exchange written down, and asserts
// what the application gets from the client (camelCase fields, parsed dates, pages), not only that
// the call succeeded. Provider states carry parameters so a provider can set up or find the data.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { MatchersV3 } from '@pact-foundation/pact';
import { beforeAll, describe, expect, it } from 'vitest';
import { sessionsClient } from '../../src/consumer/twilio-client';
import {
  EXAMPLE_ID,
  GENERATED_DIR,
  listPage,
  newPact,
  PACT_FILE,
  pageMeta,
  sessionShape,
  twilioError,
} from '../support/pact';
import { checkCommittedContract } from './contract-current';

const { fromProviderState } = MatchersV3;
const credentials = { accountSid: `AC${'0'.repeat(32)}`, authToken: 'consumer-test-token' };
const LAST_TOKEN = 'PTeyJvIjoyfQ.EVlU4g8Rjdrv_0W6vQXv-l';

describe('twilio-node 5.x as consumer of Sessions', () => {
  // Pact merges into an existing file; start clean so a removed interaction does not linger.
  beforeAll(() => rmSync(join(GENERATED_DIR, PACT_FILE), { force: true }));

  it('fetches an existing session', async () => {
    await newPact()
      .addInteraction()
      .given('a session exists', { id: EXAMPLE_ID })
      .uponReceiving('a request to fetch an existing session')
      .withRequest('GET', fromProviderState('/v1/Sessions/${id}', `/v1/Sessions/${EXAMPLE_ID}`))
      .willRespondWith(200, (r) =>
        r
          .headers({ 'Content-Type': 'application/json' })
          .jsonBody(sessionShape(fromProviderState('${id}', EXAMPLE_ID))),
      )
      .executeTest(async (server) => {
        const { sessions } = sessionsClient(server.url, credentials);
        const session = await sessions(EXAMPLE_ID).fetch();
        expect(session.id).toBe(EXAMPLE_ID);
        expect(session.accountSid).toMatch(/^AC[0-9a-fA-F]{32}$/);
        expect(session.assistantId).toMatch(/^aia_asst_/);
        expect(session.verified).toBe(true);
        expect(session.dateCreated).toBeInstanceOf(Date);
        expect(session.dateUpdated.toISOString()).toBe('2024-01-01T10:30:13.000Z');
      });
  });

  it('gets a Twilio error for an unknown session id', async () => {
    await newPact()
      .addInteraction()
      .given('no session', { id: 'sess_unknown' })
      .uponReceiving('a request to fetch a session that does not exist')
      .withRequest('GET', '/v1/Sessions/sess_unknown')
      .willRespondWith(404, (r) =>
        r.headers({ 'Content-Type': 'application/json' }).jsonBody(twilioError(404, 20404)),
      )
      .executeTest(async (server) => {
        const { sessions } = sessionsClient(server.url, credentials);
        const error = await sessions('sess_unknown')
          .fetch()
          .catch((e: unknown) => e);
        expect(error).toMatchObject({
          status: 404,
          code: 20404,
          moreInfo: 'https://www.twilio.com/docs/errors/20404',
        });
      });
  });

  it('lists the first page with a PageSize', async () => {
    await newPact()
      .addInteraction()
      .given('sessions exist', { count: 3 })
      .uponReceiving('a request for the first page of sessions with PageSize 2')
      .withRequest('GET', '/v1/Sessions', (q) => q.query({ PageSize: '2' }))
      .willRespondWith(200, (r) =>
        r.headers({ 'Content-Type': 'application/json' }).jsonBody(
          listPage(
            pageMeta({
              page: 0,
              pageSize: 2,
              next: `https://assistants.twilio.com/v1/Sessions?PageSize=2&Page=1&PageToken=${LAST_TOKEN}`,
              previous: null,
              url: 'https://assistants.twilio.com/v1/Sessions?PageSize=2&Page=0',
            }),
            2,
          ),
        ),
      )
      .executeTest(async (server) => {
        const { sessions, httpClient } = sessionsClient(server.url, credentials);
        const page = await sessions.page({ pageSize: 2 });
        expect(page.instances).toHaveLength(2);
        expect(page.instances[0]?.dateCreated).toBeInstanceOf(Date);
        expect(page.nextPageUrl).toMatch(/PageToken=/);
        // limit below the page size: twilio-node 5.13.1 reads one page more when limit lands
        // exactly on a page boundary (each() notices the limit only at the next item).
        const listed = await sessions.list({ pageSize: 2, limit: 1 });
        expect(listed.map((s) => s.id)).toEqual([page.instances[0]?.id]);
        const seen: string[] = [];
        await sessions.each({ pageSize: 2, limit: 1 }, (s) => {
          seen.push(s.id);
        });
        expect(seen).toEqual([page.instances[0]?.id]);
        expect(httpClient.sent.every((r) => r.params.PageSize === 2)).toBe(true);
      });
  });

  it('follows next_page_url to the last page', async () => {
    await newPact()
      .addInteraction()
      .given('sessions exist', { count: 3 })
      .uponReceiving('a request for the next page of sessions, which is the last one')
      .withRequest('GET', '/v1/Sessions', (q) =>
        q.query({
          PageSize: fromProviderState('${pageSize}', '2'),
          Page: fromProviderState('${page}', '1'),
          PageToken: fromProviderState('${pageToken}', LAST_TOKEN),
        }),
      )
      .willRespondWith(200, (r) =>
        r.headers({ 'Content-Type': 'application/json' }).jsonBody(
          listPage(
            pageMeta({
              page: 1,
              pageSize: 2,
              next: null,
              previous:
                'https://assistants.twilio.com/v1/Sessions?PageSize=2&Page=0&PageToken=PTeyJvIjowfQ.abc',
              url: `https://assistants.twilio.com/v1/Sessions?PageSize=2&Page=1&PageToken=${LAST_TOKEN}`,
            }),
          ),
        ),
      )
      .executeTest(async (server) => {
        const { sessions } = sessionsClient(server.url, credentials);
        const last = await sessions.getPage(
          `https://assistants.twilio.com/v1/Sessions?PageSize=2&Page=1&PageToken=${LAST_TOKEN}`,
        );
        expect(last.instances.length).toBeGreaterThanOrEqual(1);
        expect(last.nextPageUrl).toBeUndefined();
        expect(await last.nextPage()).toBeUndefined();
        expect(last.previousPageUrl).toMatch(/Page=0/);
      });
  });

  it('gets 400 with a Twilio error for a PageSize above 1000', async () => {
    await newPact()
      .addInteraction()
      .given('sessions exist', { count: 3 })
      .uponReceiving('a request for a page of sessions with PageSize 1001')
      .withRequest('GET', '/v1/Sessions', (q) => q.query({ PageSize: '1001' }))
      .willRespondWith(400, (r) =>
        r.headers({ 'Content-Type': 'application/json' }).jsonBody(twilioError(400, 20001)),
      )
      .executeTest(async (server) => {
        const { sessions } = sessionsClient(server.url, credentials);
        const error = await sessions.page({ pageSize: 1001 }).catch((e: unknown) => e);
        expect(error).toMatchObject({ status: 400 });
        expect((error as { code: unknown }).code).toEqual(expect.any(Number));
        expect((error as Error).message).toEqual(expect.any(String));
      });
  });

  // Last in the file: vitest runs a file's tests in order, so the pact is complete here.
  it('writes the contract that is committed in contracts/ (UPDATE_CONTRACTS=1 to accept a change)', () => {
    expect(checkCommittedContract()).toEqual([]);
  });
});
