// A live run that reaches nothing it can judge says so in one line and exits 2, instead of a
// contract finding per request: credentials refused (401/403 to every request that carried them),
// answers of another account than TWILIO_ACCOUNT_SID, an https:// URL at a plain-HTTP port. An
// outage stays exit 3, with one verdict line.

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../src/rules/rule';
import { accessProblem } from '../../src/run/access';
import { startProvider } from '../../src/targets/targets';
import { HttpTransport } from '../../src/transport/http';
import { runCli } from '../support/fixtures';
import { contract } from '../support/provider';
import { recordingProxy } from '../support/writes';

const ACCOUNT = `AC${'5a'.repeat(16)}`;
const OTHER = `AC${'6b'.repeat(16)}`;
const KEY = `SK${'7c'.repeat(16)}`;
const dir = () => mkdtempSync(join(tmpdir(), 'access-'));

const closing: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  await Promise.all(closing.map((c) => c()));
});
async function provider(o: { username: string; password: string; accountSid?: string }) {
  const p = await startProvider({
    contract,
    items: 3,
    credentials: { username: o.username, password: o.password },
    ...(o.accountSid ? { accountSid: o.accountSid } : {}),
  });
  closing.push(() => p.close());
  return p;
}
const live = (url: string, env: NodeJS.ProcessEnv, reports = dir()) =>
  runCli('conformance', ['--target', 'live', '--base-url', url, '--report-dir', reports], {
    TWILIO_API_KEY: '',
    TWILIO_API_SECRET: '',
    ...env,
  });

describe.concurrent('a live run that reaches nothing it can judge', () => {
  it('a wrong token: one line, exit 2, no report, and the run stops sending after five refusals', async () => {
    const p = await provider({ username: ACCOUNT, password: 'right-token' });
    const proxy = await recordingProxy(p.url);
    const reports = dir();
    const r = await live(
      proxy.url,
      { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: 'wrong-token' },
      reports,
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^conformance: the credentials were refused: every request with them answered 401 \(20003 .*\); check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN; nothing was judged$/,
      ),
    ]);
    expect(r.stdout).not.toMatch(/PASSED|FAILED|UNAVAILABLE|response\.status|error/);
    expect(readdirSync(reports)).toEqual([]);
    // Concurrency 4: the fifth refusal stops it, with at most a few more already in flight.
    expect(proxy.seen.length).toBeLessThanOrEqual(12);
    await proxy.close();
  });

  it('an API key of another account than TWILIO_ACCOUNT_SID: one line naming both accounts, exit 2', async () => {
    const p = await provider({ username: KEY, password: 'key-secret', accountSid: OTHER });
    const env = { TWILIO_API_KEY: KEY, TWILIO_API_SECRET: 'key-secret' };
    const r = await live(p.url, { ...env, TWILIO_ACCOUNT_SID: ACCOUNT });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `^conformance: the answers are another account's: TWILIO_ACCOUNT_SID is ${ACCOUNT}, the answers carry ${OTHER}[,;]`,
      ),
    );
    expect(r.stderr).toMatch(/check|belong to another account/);
    // The same key with its own account is judged as usual.
    const right = await live(p.url, { ...env, TWILIO_ACCOUNT_SID: OTHER });
    expect(right.stderr).toBe('');
    expect(right.status).toBe(0);
  });

  it('an https:// URL at a plain-HTTP port: one line naming the URL, exit 2, not an outage', async () => {
    const p = await provider({ username: ACCOUNT, password: 'tok' });
    const https = p.url.replace('http://', 'https://');
    const r = await live(https, { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: 'tok' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `conformance: no TLS at ${https} (OpenSSL: wrong version number): the server there does not speak https: use its http:// URL, or the port that serves TLS; nothing was judged`,
    ]);
  });

  it('a closed port is an outage: exit 3 and one verdict line, first and last, with no advice to name items', async () => {
    const r = await runCli(
      'conformance',
      ['--base-url', 'http://127.0.0.1:9', '--report-dir', dir(), '--no-pagination'],
      { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: 'x' },
    );
    expect(r.status).toBe(3);
    const verdicts = r.stdout.split('\n').filter((l) => /^(PASSED|FAILED|UNAVAILABLE)/.test(l));
    expect(verdicts).toHaveLength(2);
    expect(new Set(verdicts).size).toBe(1);
    expect(verdicts[0]).toMatch(
      /^UNAVAILABLE: \d+ blocking error\(s\), every one a network or provider error \(.*ECONNREFUSED.*\): retry later \(exit 3\)$/,
    );
    expect(r.stdout.trim().split('\n').at(-1)).toBe(verdicts[0]);
    expect(r.stdout).not.toMatch(/NOT JUDGED|--id /);
  });

  it('a closed port with --writes is an outage too: exit 3; no write reached it, so nothing is swept and the journal is done', async () => {
    const reports = dir();
    const r = await runCli(
      'conformance',
      ['--base-url', 'http://127.0.0.1:9', '--writes', ACCOUNT, '--report-dir', reports, '--no-pagination'],
      { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: 'x' },
    );
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(
      /^UNAVAILABLE: .*ECONNREFUSED.*retry later \(exit 3\)$/,
    );
    expect(r.stdout).toMatch(/✔ write\.cleanup +1\/1 judged/);
    expect(r.status).toBe(3);
    const [journal] = readdirSync(join(reports, 'journal'));
    const entries = readFileSync(join(reports, 'journal', journal as string), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entries.filter((e) => e.kind === 'lost' || e.kind === 'sweep')).toEqual([]);
    expect(entries.at(-1)?.kind).toBe('done');
  });
});

describe('telling refused credentials from a provider that refuses some requests', () => {
  const observation = (status: number, json: unknown = {}, authenticated = true): Observation =>
    ({
      exchange: {
        request: { method: 'GET', url: 'http://x/v1/Things', authenticated },
        response: { status, headers: {}, body: JSON.stringify(json) },
        attempts: 1,
        durationMs: 1,
      },
      json,
    }) as unknown as Observation;
  const who = { accountSid: ACCOUNT, who: 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN' };

  it('every answer 401 or 403 is refused; one 2xx among them, or 401s only to anonymous requests, is not', () => {
    const body = { code: 20003, message: 'Authenticate' };
    expect(accessProblem([observation(401, body), observation(403)], who)).toMatch(
      /^the credentials were refused: every request with them answered 401 or 403 \(20003 Authenticate\)/,
    );
    expect(accessProblem([observation(401), observation(200, { things: [] })], who)).toBeUndefined();
    expect(accessProblem([observation(200, {}), observation(401, {}, false)], who)).toBeUndefined();
  });

  it("answers that carry only another account are refused; one that carries the credentials' is not", () => {
    const page = (...sids: string[]) => ({ things: sids.map((account_sid) => ({ account_sid })) });
    expect(accessProblem([observation(200, page(OTHER, OTHER))], who)).toMatch(/another account's/);
    expect(accessProblem([observation(200, page(OTHER, ACCOUNT))], who)).toBeUndefined();
    expect(accessProblem([observation(200, { account_sid: ACCOUNT })], who)).toBeUndefined();
    expect(accessProblem([observation(200, page())], who)).toBeUndefined();
  });
});

describe('the transport stops sending credentials the API refuses', () => {
  let server: Server;
  let answers: number[] = [];
  let k = 0;
  afterAll(() => {
    server?.close();
  });

  it('five refusals in a row and none accepted: the rest is not sent; one 2xx first and it goes on', async () => {
    server = createServer((_req, res) => res.writeHead(answers[k++] ?? 401).end('{}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const credentials = { username: ACCOUNT, password: 'x' };
    const send = async (n: number) => {
      const t = new HttpTransport({ target: 'live', baseUrl, credentials, maxRetries: 0 });
      const out = [];
      for (let i = 0; i < n; i++) out.push(await t.get('/v1/Things'));
      return out;
    };
    answers = [];
    k = 0;
    const refused = await send(8);
    expect(k).toBe(5);
    expect(refused.slice(5).map((e) => e.error?.message)).toEqual(
      Array(3).fill(
        'not sent: the credentials were refused: 5 requests with them answered 401 or 403, none succeeded',
      ),
    );
    answers = [200, 401, 403, 401, 401, 401, 401, 401];
    k = 0;
    await send(8);
    expect(k).toBe(8);
  });
});
