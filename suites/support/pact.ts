// What the consumer suites share: the pact names, where pact files go, and the session shape the
// consumer relies on, written with matchers (shapes and formats, not example values).

import { join } from 'node:path';
import { MatchersV3, PactV4 } from '@pact-foundation/pact';
import { PROJECT_ROOT } from '../../src/sources';

const { regex, datetime, boolean, string, integer, eachLike, nullValue, equal } = MatchersV3;

export const CONSUMER = 'twilio-node-sessions-consumer';
export const PROVIDER = 'twilio-assistants-v1-sessions';
export const PACT_FILE = `${CONSUMER}-${PROVIDER}.json`;
/** The consumer suites write here; a test compares it with the committed contracts/ file. */
export const GENERATED_DIR = join(PROJECT_ROOT, 'reports/pact');
export const COMMITTED_DIR = join(PROJECT_ROOT, 'contracts');

export const newPact = () =>
  new PactV4({
    consumer: CONSUMER,
    provider: PROVIDER,
    dir: GENERATED_DIR,
    logLevel: 'warn',
    host: '127.0.0.1',
  });

export const EXAMPLE_ID = 'sess_00000000d2963604';
const ISO = "yyyy-MM-dd'T'HH:mm:ss'Z'";
const URL_OF_LIST = '^https?://[^/]+/v1/Sessions\\?.+$';

export const sessionShape = (id: unknown = string(EXAMPLE_ID)) => ({
  id,
  account_sid: regex('^AC[0-9a-fA-F]{32}$', 'AC0123456789abcdef0123456789abcdef'),
  assistant_id: regex('^aia_asst_.+$', 'aia_asst_6e7825d2-9636-04a1-49b6-7e51c4b9d0f1'),
  verified: boolean(true),
  identity: string('user_6e7825'),
  date_created: datetime(ISO, '2024-01-01T07:51:20Z'),
  date_updated: datetime(ISO, '2024-01-01T10:30:13Z'),
});

export const pageMeta = (o: {
  page: number;
  pageSize: number;
  next: string | null;
  previous: string | null;
  url: string;
}) => ({
  first_page_url: regex(
    URL_OF_LIST,
    `https://assistants.twilio.com/v1/Sessions?PageSize=${o.pageSize}&Page=0`,
  ),
  key: equal('sessions'),
  next_page_url: o.next === null ? nullValue() : regex(URL_OF_LIST, o.next),
  page: integer(o.page),
  page_size: integer(o.pageSize),
  previous_page_url: o.previous === null ? nullValue() : regex(URL_OF_LIST, o.previous),
  url: regex(URL_OF_LIST, o.url),
});

export const listPage = (meta: ReturnType<typeof pageMeta>, min = 1) => ({
  sessions: eachLike(sessionShape(), min),
  meta,
});

export const twilioError = (status: number, code: number) => ({
  code: integer(code),
  message: string('explanation'),
  more_info: regex(
    '^https://www\\.twilio\\.com/docs/errors/\\d+$',
    `https://www.twilio.com/docs/errors/${code}`,
  ),
  status: equal(status),
});
