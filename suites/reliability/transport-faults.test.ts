// A misbehaving network or provider becomes a classified finding (network / provider-error /
// contract) with the request and a one-line cause, in bounded time; never a crash or a hang.

import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/registry';
import { runConformance } from '../../src/checks/runner';
import { faultNamed } from '../../src/provider/faults';
import { startProvider } from '../../src/provider/server';
import { HttpTransport } from '../../src/transport/http';
import { runCli } from '../support/fixtures';
import { contract, LOCAL_CREDENTIALS } from '../support/provider';

const TIMEOUT_MS = 800;

async function run(fault: string, options: { maxBodyBytes?: number } = {}) {
  const provider = await startProvider({
    sessions: 5,
    credentials: LOCAL_CREDENTIALS,
    fault: faultNamed(fault),
  });
  const started = Date.now();
  try {
    const transport = new HttpTransport({
      target: fault,
      baseUrl: provider.url,
      credentials: LOCAL_CREDENTIALS,
      timeoutMs: TIMEOUT_MS,
      maxRetries: 2,
      maxRetryWaitMs: 20,
      ...options,
    });
    const result = await runConformance(transport, contract, CHECKS);
    return { result, ms: Date.now() - started };
  } finally {
    await provider.close();
  }
}

describe('transport faults become classified findings', () => {
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
      /rate limited: still 429 after 3 attempts \(Retry-After: 1\)/,
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
    const f = result.findings.find((x) => x.check === check && x.severity === 'error');
    expect(f, JSON.stringify(result.findings.map((x) => x.check))).toBeDefined();
    expect(f?.category).toBe(category);
    expect(f?.message).toMatch(message);
    expect(f?.request?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/Sessions/);
    // Each request is bounded by its timeout; the whole run by requests × (timeout + retries).
    expect(ms).toBeLessThan(10 * (TIMEOUT_MS + 100));
  });

  it('a smaller --max-body limit applies to ordinary pages', async () => {
    const { result } = await run('wrong-meta-key', { maxBodyBytes: 200 });
    expect(result.findings.find((f) => f.check === 'transport.too-large')?.message).toMatch(
      /larger than 200 bytes/,
    );
  });
});

describe('the run as a whole', () => {
  it('--deadline ends a run against a hanging provider in time and still writes every report', async () => {
    const provider = await startProvider({
      sessions: 5,
      credentials: LOCAL_CREDENTIALS,
      fault: faultNamed('never-ending-body'),
    });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'deadline-'));
      const started = Date.now();
      const r = await runCli('conformance', ['--target', 'live', '--deadline', '2', '--report-dir', dir], {
        TWILIO_ASSISTANTS_BASE_URL: provider.url,
        TWILIO_ACCOUNT_SID: LOCAL_CREDENTIALS.username,
        TWILIO_AUTH_TOKEN: LOCAL_CREDENTIALS.password,
      });
      expect(Date.now() - started).toBeLessThan(8000);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/transport\.deadline .*not sent: the run reached its --deadline/);
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
