// The live target and the recorder, run against the local provider with canary credentials: the
// canary must appear in no file the run wrote, nowhere under the project, and in no output.

import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redact, registerSecrets } from '../../src/redact';
import { PROJECT_ROOT } from '../../src/sources/paths';
import { startProvider } from '../../src/targets/targets';
import { runCli, runProcess } from '../support/fixtures';
import { pactFor } from '../support/pact';
import { contract } from '../support/provider';

const CANARY = `canary-${'7e1f'.repeat(6)}`;
const ACCOUNT = `AC${'5a'.repeat(16)}`;
const BASIC = Buffer.from(`${ACCOUNT}:${CANARY}`).toString('base64');

function filesUnder(dir: string, skip = new Set(['node_modules', '.git'])): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (skip.has(name)) return [];
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) return filesUnder(path, skip);
    return st.size < 5_000_000 ? [path] : [];
  });
}

const leaks = (files: string[]) =>
  files.filter((f) => {
    const text = readFileSync(f, 'latin1');
    return text.includes(CANARY) || text.includes(BASIC);
  });

describe('secrets never leave the process', () => {
  it('the Pact Broker token and password are secrets too, in every form they travel in', () => {
    registerSecrets({
      PACT_BROKER_TOKEN: 'broker-tok-1234',
      PACT_BROKER_USERNAME: 'ci',
      PACT_BROKER_PASSWORD: 'broker-pw-5678',
    });
    const basic = Buffer.from('ci:broker-pw-5678').toString('base64');
    expect(redact(`Bearer broker-tok-1234 | Basic ${basic} | broker-pw-5678`)).toBe(
      'Bearer [REDACTED] | Basic [REDACTED] | [REDACTED]',
    );
  });

  it('conformance --target live, record, pact:verify and drift on traffic leave the canary token nowhere', async () => {
    const provider = await startProvider({
      contract,
      items: 5,
      credentials: { username: ACCOUNT, password: CANARY },
    });
    const out = mkdtempSync(join(tmpdir(), 'secrets-'));
    const env = {
      TWILIO_ASSISTANTS_BASE_URL: provider.url,
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: CANARY,
    };
    try {
      const runs = [
        await runCli(
          'conformance',
          ['--target', 'live', '--report-dir', join(out, 'reports'), '--pagination-budget', '200'],
          env,
        ),
        await runCli('record', ['--out', join(out, 'cassette.json')], env),
        await runCli('record', ['--out', join(out, 'redacted.json'), '--redact-account'], env),
        // As a process: what reaches the real streams (Pact's own output included) is checked too.
        await runProcess(
          'pact-verify',
          ['--base-url', provider.url, '--contracts', pactFor(['ListSessions', 'FetchSession'])],
          {
            ...env,
            PACT_BROKER_BASE_URL: '',
          },
        ),
      ];
      const drift = await runCli(
        'drift',
        [
          '--from',
          join(PROJECT_ROOT, 'schemas'),
          '--to',
          join(out, 'reports/conformance.json'),
          '--out',
          join(out, 'drift.md'),
          '--fail-on',
          'none',
        ],
        env,
      );
      expect(drift.status, drift.stderr).toBe(0);
      expect(drift.stdout + drift.stderr).not.toContain(CANARY);
      for (const r of runs) {
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout + r.stderr).not.toContain(CANARY);
      }
      const written = filesUnder(out);
      expect(written.length).toBeGreaterThanOrEqual(7);
      expect(leaks(written)).toEqual([]);
      expect(leaks(filesUnder(PROJECT_ROOT))).toEqual([]);
      const redacted = readFileSync(join(out, 'redacted.json'), 'utf8');
      expect(redacted).not.toContain(ACCOUNT);
      expect(readFileSync(join(out, 'cassette.json'), 'utf8')).toContain(ACCOUNT);
      expect(redacted).toContain('"origin": "https://assistants.twilio.com"');
      expect(redacted).not.toContain('127.0.0.1');
    } finally {
      await provider.close();
    }
  });

  // A proxy or provider that echoes the Authorization header back, in every place a response has.
  const echoes: Record<string, (auth: string, res: ServerResponse) => void> = {
    'body field': (auth, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ sessions: [{ id: auth }], meta: { key: auth } })),
    'content-type parameter': (auth, res) =>
      res.writeHead(200, { 'content-type': `application/json; echo=${auth}` }).end('{}'),
    'HTML error page': (auth, res) =>
      res.writeHead(502, { 'content-type': 'text/html' }).end(`<html>${auth}</html>`),
    next_page_url: (auth, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          sessions: [],
          meta: { key: 'sessions', next_page_url: `http://x/?t=${auth.split(' ')[1]}` },
        }),
      ),
  };
  it.each(Object.keys(echoes))(
    'a provider echoing the Authorization header in a %s: the token appears in no report or output',
    async (kind) => {
      const server = createServer((req: IncomingMessage, res) =>
        echoes[kind]?.(req.headers.authorization ?? '', res),
      );
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const out = mkdtempSync(join(tmpdir(), 'echo-'));
      try {
        const r = await runCli(
          'conformance',
          ['--target', 'live', '--report-dir', out, '--resource', 'Sessions', '--pagination-budget', '20'],
          {
            TWILIO_ASSISTANTS_BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
            TWILIO_ACCOUNT_SID: ACCOUNT,
            TWILIO_AUTH_TOKEN: CANARY,
          },
        );
        expect([0, 1]).toContain(r.status);
        expect(r.stdout + r.stderr).not.toContain(CANARY);
        expect(r.stdout + r.stderr).not.toContain(BASIC);
        expect(readdirSync(out).sort()).toEqual([
          'conformance.html',
          'conformance.json',
          'drift.json',
          'junit.xml',
        ]);
        expect(leaks(filesUnder(out))).toEqual([]);
        // Where a finding quotes what came back, the secret is replaced, not dropped silently.
        if (kind === 'body field')
          expect(readFileSync(join(out, 'conformance.json'), 'utf8')).toContain('[REDACTED]');
      } finally {
        server.closeAllConnections();
        server.close();
      }
    },
  );

  it('the committed recordings and contracts carry no Authorization header', () => {
    for (const dir of ['suites/recordings', 'contracts']) {
      for (const file of filesUnder(join(PROJECT_ROOT, dir))) {
        expect(readFileSync(file, 'utf8'), file).not.toMatch(
          /"authorization"\s*:|Basic [A-Za-z0-9+/=]{16,}/i,
        );
      }
    }
  });
});

describe('a cut secret is still a secret', () => {
  it('any 8 or more consecutive characters of a random token, wherever a cut left them, are redacted', async () => {
    const { addSecret } = await import('../../src/redact');
    // Twilio's tokens: 32 hex digits (a run of 8 letters would read as a word, and is kept whole).
    const hex = fc
      .stringMatching(/^[0-9a-f]{32}$/)
      .filter((t) => (t.match(/\d/g)?.length ?? 0) >= 4 && !/[a-f]{8}/.test(t));
    fc.assert(
      fc.property(
        hex,
        fc.nat(24),
        fc.integer({ min: 8, max: 32 }),
        fc.string(),
        fc.string(),
        (token, at, len, before, after) => {
          addSecret(token, [`AC${'0'.repeat(32)}`]);
          const part = token.slice(at, at + len);
          fc.pre(part.length >= 8);
          const out = redact(`${before}${part}…${after}`);
          for (let i = 0; i + 8 <= token.length; i++) expect(out.includes(token.slice(i, i + 8))).toBe(false);
        },
      ),
      { numRuns: 300, seed: 20261127 },
    );
  });

  it('a token Pact’s debug log dumps as hex (a body it does not print as text: its first 32 bytes) is redacted, a cut of it too', async () => {
    const { addSecret } = await import('../../src/redact');
    const token = 'f3a9c1d27b8e4f60a1b2c3d4e5f60718';
    addSecret(token, [`AC${'0'.repeat(32)}`]);
    // As pact_verifier logs an application/octet-stream body that echoed the token.
    const dump = Buffer.from(`${token}`).toString('hex').toUpperCase();
    const cut = Buffer.from(`xx:${token}`).toString('hex').toUpperCase().slice(0, 64);
    for (const line of [`${dump} (32 bytes)`, `${cut}... (35 bytes)`, dump.toLowerCase()]) {
      const out = redact(line);
      expect(out, line).toMatch(/\[REDACTED\]/);
      const hex = Buffer.from(token).toString('hex');
      for (let i = 0; i + 16 <= hex.length; i += 2)
        expect(out.toLowerCase().includes(hex.slice(i, i + 16)), `${out} holds ${hex.slice(i, i + 16)}`).toBe(
          false,
        );
    }
  });

  it('words are not mistaken for a token: a test password made of words is redacted whole only', async () => {
    const { addSecret } = await import('../../src/redact');
    addSecret('local-provider-token');
    expect(redact('the reference provider answered')).toBe('the reference provider answered');
    expect(redact('password local-provider-token here')).toBe('password [REDACTED] here');
  });
});
