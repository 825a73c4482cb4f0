// A misbehaving network or provider becomes a classified finding (network / provider-error /
// contract) with the request and a one-line cause, in bounded time; never a crash or a hang.

import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../src/run/run';
import { activeFault, startProvider } from '../../src/targets/targets';
import { HttpTransport } from '../../src/transport/http';
import { runCli } from '../support/fixtures';
import { contract, LOCAL_CREDENTIALS } from '../support/provider';

const TIMEOUT_MS = 800;

type TransportTuning = Partial<ConstructorParameters<typeof HttpTransport>[0]>;

/** A whole run against the reference provider with one fault on, through a transport tuned for the test. */
async function runWithFault(fault: string, tuning: TransportTuning, operations?: string[]) {
  const provider = await startProvider({
    contract,
    items: 5,
    credentials: LOCAL_CREDENTIALS,
    fault: activeFault(fault, contract),
  });
  const started = Date.now();
  try {
    const transport = new HttpTransport({
      target: fault,
      baseUrl: provider.url,
      credentials: LOCAL_CREDENTIALS,
      ...tuning,
    });
    const result = await runConformance(transport, contract, operations ? { operations } : {});
    return { result, ms: Date.now() - started };
  } finally {
    await provider.close();
  }
}

const run = (fault: string, options: TransportTuning = {}) =>
  runWithFault(
    `${fault}@ListSessions`,
    { timeoutMs: TIMEOUT_MS, maxRetries: 2, maxRetryWaitMs: 20, ...options },
    ['ListSessions'],
  );

// Each test mostly waits on a timeout or a hang against its own provider: they wait side by side.
describe.concurrent('transport faults become classified findings', () => {
  it.each([
    ['reset-mid-body', 'transport.network', 'network', /connection closed mid-body/],
    ['never-ending-body', 'transport.timeout', 'network', /no complete response .* within 800 ms/],
    ['proxy-502-html', 'response.status', 'provider-error', /expected status 200, got 502/],
    [
      'proxy-503-html',
      'transport.rate-limited',
      'provider-error',
      /unavailable: still 503 after 3 attempts \(no Retry-After\)/,
    ],
    [
      'rate-limited',
      'transport.rate-limited',
      'provider-error',
      /rate limited: still 429 after 1 attempts \(Retry-After: 1; Retry-After 1 is beyond the 20 ms cap\)/,
    ],
    [
      'rate-limited-no-retry-after',
      'transport.rate-limited',
      'provider-error',
      /rate limited: still 429 after 3 attempts \(no Retry-After\)/,
    ],
    ['huge-body', 'transport.too-large', 'provider-error', /larger than 5242880 bytes/],
    ['invalid-utf8', 'response.encoding', 'contract', /not valid UTF-8/],
    ['content-type-lies', 'response.json', 'contract', /body is not JSON/],
  ])('%s → %s (%s)', async (fault, check, category, message) => {
    const { result, ms } = await run(fault);
    const f = result.findings.find((x) => x.rule === check && x.severity === 'error');
    expect(f, JSON.stringify(result.findings.map((x) => x.rule))).toBeDefined();
    expect(f?.category).toBe(category);
    expect(f?.message).toMatch(message);
    expect(f?.request?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/Sessions/);
    // Each request is bounded by its timeout; the whole run by requests × (timeout + retries).
    expect(ms).toBeLessThan(10 * (TIMEOUT_MS + 100));
  });

  it('a smaller --max-body limit applies to ordinary pages', async () => {
    const { result } = await run('wrong-meta-key', { maxBodyBytes: 200 });
    expect(result.findings.find((f) => f.rule === 'transport.too-large')?.message).toMatch(
      /larger than 200 bytes/,
    );
  });
});

describe.concurrent('the run as a whole', () => {
  it('after repeated network failures the rest is skipped and reported, not each waited out', async () => {
    const { result, ms } = await runWithFault('never-ending-body', { timeoutMs: 300, maxRetries: 0 });
    // The provider still answers 401s and 404s between the hangs: they do not reset the count, only a 2xx would.
    expect(result.findings.filter((f) => f.rule === 'transport.timeout')).toHaveLength(5);
    expect(ms).toBeLessThan(5 * 300 + 2000);
    const skipped = result.findings.filter((f) => f.rule === 'transport.unreachable');
    expect(skipped.length).toBeGreaterThan(10);
    expect(skipped[0]?.message).toMatch(/not sent: the provider failed 5 requests in a row/);
    expect(skipped[0]?.category).toBe('network');
  });

  it('a Retry-After beyond the cap is not waited out: the rest is reported as rate-limited', async () => {
    const { result, ms } = await runWithFault('rate-limited', { maxRetryWaitMs: 500 });
    expect(ms).toBeLessThan(3000);
    expect(result.findings.find((f) => f.rule === 'transport.unreachable')?.message).toMatch(
      /rate-limited: Retry-After 1 is beyond the 500 ms cap/,
    );
  });

  it('--deadline ends a run against a hanging provider in time and still writes every report', async () => {
    const provider = await startProvider({
      contract,
      items: 5,
      credentials: LOCAL_CREDENTIALS,
      fault: activeFault('never-ending-body', contract),
    });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'deadline-'));
      const started = Date.now();
      const r = await runCli(
        'conformance',
        ['--target', 'live', '--deadline', '2', '--timeout', '5000', '--report-dir', dir],
        {
          TWILIO_ASSISTANTS_BASE_URL: provider.url,
          TWILIO_ACCOUNT_SID: LOCAL_CREDENTIALS.username,
          TWILIO_AUTH_TOKEN: LOCAL_CREDENTIALS.password,
        },
      );
      expect(Date.now() - started).toBeLessThan(8000);
      // A provider that never finishes a body is an outage, not a broken contract: exit 3.
      expect(r.status).toBe(3);
      expect(r.stdout).toMatch(
        /transport\.(deadline|unreachable) .*not sent: (the run reached its --deadline|the provider failed)/,
      );
      expect(readdirSync(dir).sort()).toEqual([
        'conformance.html',
        'conformance.json',
        'drift.json',
        'junit.xml',
      ]);
    } finally {
      await provider.close();
    }
  });
});
