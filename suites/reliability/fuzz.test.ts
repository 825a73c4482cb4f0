// No input crashes a run: a provider answering with arbitrary JSON, headers, statuses and URLs
// (deep nesting, __proto__ keys, numbers beyond double range, U+FFFF, broken next_page_urls) ends
// every run in classified findings and three valid reports, never an exception.

import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBlocking } from '../../src/finding';
import { finishRun } from '../../src/report/finish';
import { XML_FORBIDDEN } from '../../src/report/junit';
import { runConformance } from '../../src/run/run';
import { HttpTransport } from '../../src/transport/http';
import { contract } from '../support/provider';

interface Reply {
  status: number;
  contentType: string;
  body: string;
}

const hostileString = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'http://[',
    '/v1/Sessions?PageSize=2',
    'javascript:alert(1)',
    '\uffff\ufffe',
    '\ud800',
    'x'.repeat(2000),
    '<script>&amp;',
  ),
);
const hostileKey = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'sessions', 'meta', 'key', '\uffff'),
);
const hostileJson: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc
    .dictionary(hostileKey, fc.oneof(hostileString, fc.integer(), fc.constant(null)), { maxKeys: 6 })
    .map((v) => JSON.stringify(v)),
  fc
    .record({
      sessions: fc.array(fc.dictionary(hostileKey, fc.oneof(hostileString, fc.boolean()), { maxKeys: 5 }), {
        maxLength: 3,
      }),
      meta: fc.record({
        key: hostileString,
        next_page_url: fc.oneof(hostileString, fc.constant(null)),
        page_size: fc.oneof(fc.integer(), fc.constant('1e400')),
      }),
    })
    .map((v) => JSON.stringify(v).replace('"1e400"', '1e400')),
  fc.integer({ min: 100, max: 5000 }).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`),
  fc.constantFrom(
    '',
    '{',
    'null',
    '1e400',
    '{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}}',
  ),
);
const reply: fc.Arbitrary<Reply> = fc.record({
  status: fc.constantFrom(200, 200, 200, 400, 401, 404, 500, 302),
  contentType: fc.oneof(
    fc.constant('application/json'),
    fc.string({ maxLength: 30 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  ),
  body: hostileJson,
});

let server: Server;
let script: Reply[] = [];
let k = 0;
beforeAll(async () => {
  server = createServer((_req, res) => {
    const r = script[k++ % Math.max(1, script.length)] ?? {
      status: 500,
      contentType: 'text/plain',
      body: '',
    };
    res.writeHead(r.status, { 'content-type': r.contentType || 'application/json' }).end(r.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('fuzz: a hostile provider never crashes a run', () => {
  it('arbitrary replies end in findings and valid reports', async () => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await fc.assert(
      fc.asyncProperty(fc.array(reply, { minLength: 1, maxLength: 12 }), async (replies) => {
        script = replies;
        k = 0;
        const transport = new HttpTransport({
          target: 'fuzz',
          baseUrl: base,
          credentials: { username: `AC${'f'.repeat(32)}`, password: 'fuzz' },
          timeoutMs: 2000,
          maxRetries: 0,
        });
        const run = await runConformance(transport, contract, {
          operations: ['ListSessions', 'FetchSession', 'ListMessages'],
          pagination: { transport: transport.withBudget(40), numRuns: 2, seed: 1 },
        });
        const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
        const done = finishRun([run], {
          contract,
          baselineFile: join(dir, 'b.json'),
          baseline: [],
          reportDir: dir,
          startedAt: '',
          durationMs: 0,
          concurrency: 1,
        });
        const report = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8'));
        expect(report.summary.blocking).toBe(done.blocking);
        for (const f of run.findings) {
          expect(['contract', 'provider-error', 'network']).toContain(f.category);
          expect(typeof f.source).toBe('string');
        }
        const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
        expect(new RegExp(XML_FORBIDDEN.source).test(junit)).toBe(false);
        expect(readFileSync(join(dir, 'conformance.html'), 'utf8')).not.toMatch(/<script>/);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        // A provider this broken never passes.
        expect(run.findings.some(isBlocking) || replies.every((r) => r.status === 200)).toBe(true);
      }),
      { numRuns: 25, seed: 20261125 },
    );
  });

  it('a field 3000 arrays deep, a number beyond double range and a __proto__ key are findings, not crashes', async () => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    script = [
      {
        status: 200,
        contentType: 'application/json',
        body: `{"sessions":[{"id":${'['.repeat(3000)}${']'.repeat(3000)}}],"meta":{}}`,
      },
      {
        status: 200,
        contentType: 'application/json',
        body: '{"sessions":[],"meta":{"key":"sessions","page_size":1e400,"__proto__":{"x":1}}}',
      },
    ];
    k = 0;
    const transport = new HttpTransport({
      target: 'fuzz',
      baseUrl: base,
      credentials: { username: `AC${'f'.repeat(32)}`, password: 'fuzz' },
      maxRetries: 0,
    });
    const run = await runConformance(transport, contract, { operations: ['ListSessions'] });
    expect(
      run.findings.some((f) => f.rule === 'response.json' && /nested deeper than 64 levels/.test(f.message)),
    ).toBe(true);
    const echo = run.findings.find((f) => f.rule === 'list.page-size' && f.pointer === '/meta/page_size');
    expect(echo?.actual).toBe('1e400');
  });
});

describe('numbers beyond double range', () => {
  it('each is kept as its own literal, taken from its own position (a string that looks like one is not it)', async () => {
    const { parseProviderJson } = await import('../../src/json');
    expect(parseProviderJson('{"label":"9e999","n":1e400,"list":[1,2e999,{"x":-3e500}]}')).toEqual({
      ok: true,
      value: { label: '9e999', n: '1e400', list: [1, '2e999', { x: '-3e500' }] },
    });
    // A later duplicate key wins, as in JSON.parse.
    expect(parseProviderJson('{"a":1e400,"a":2e400}')).toEqual({ ok: true, value: { a: '2e400' } });
  });
});
