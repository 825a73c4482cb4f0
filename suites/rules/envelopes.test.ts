// API v2010's list envelope (paging fields beside the items, links that are paths on the host),
// judged by the list rules, the plan and the pagination properties against an independent provider
// written here from Twilio's documented format — not the reference provider, which serves `meta`.
// A faithful one passes; each way of breaking the envelope is caught by the rule that owns it.

import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildFromSpec } from '../../src/model/build';
import { instanceSchema, type Operation } from '../../src/model/operation';
import { Contract } from '../../src/schemas/contract';
import { generate } from '../../src/schemas/generate';
import { readSpecFile } from '../../src/sources/spec';
import { FIXTURES, runCli } from '../support/fixtures';

const SPEC = join(FIXTURES, 'specs/twilio-oai/twilio_api_v2010.subset.json');
const contract = new Contract(buildFromSpec(readSpecFile(SPEC), { docs: [] }).model, 'spec');
const ACCOUNT = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'independent-provider-token';
const byId = (id: string) => contract.operations.find((o) => o.id === id) as Operation;

type Fault = 'absolute-next' | 'page-size-not-echoed' | 'items-renamed' | 'next-loops' | undefined;

/** Items as the contract documents them, with the account and ids a real account would give. */
const item = (op: Operation, k: number, fields: Record<string, string>) => ({
  ...(generate(instanceSchema(op, 'openapi') ?? {}, k + 1, 'item') as Record<string, unknown>),
  ...fields,
});
const accounts = [item(byId('ListAccount'), 0, { sid: ACCOUNT })];
const messages = Array.from({ length: 7 }, (_, k) =>
  item(byId('ListMessage'), k, { sid: `SM${String(k).padStart(32, '0')}`, account_sid: ACCOUNT }),
);

/** One page of a v2010 list, as Twilio builds it: paging fields beside the items, links on the host. */
function page(path: string, key: string, all: unknown[], q: URLSearchParams, fault: Fault) {
  const size = Number(q.get('PageSize') ?? 50);
  const index = Number(q.get('Page') ?? 0);
  const link = (n: number) => `${path}?PageSize=${size}&Page=${n}${n ? `&PageToken=PT${n}` : ''}`;
  const last = (index + 1) * size >= all.length;
  return {
    end: Math.min(all.length, (index + 1) * size) - 1,
    first_page_uri: link(0),
    [fault === 'items-renamed' ? 'items' : key]: all.slice(index * size, (index + 1) * size),
    next_page_uri: last
      ? null
      : fault === 'absolute-next'
        ? `https://api.twilio.com${link(index + 1)}`
        : fault === 'next-loops'
          ? link(0)
          : link(index + 1),
    page: index,
    page_size: fault === 'page-size-not-echoed' ? 50 : size,
    previous_page_uri: index ? link(index - 1) : null,
    start: index * size,
    uri: link(index),
  };
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function independentProvider(fault: Fault): Promise<string> {
  const started = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const error = (status: number) =>
      send(status, {
        code: 20000 + status,
        message: 'refused',
        more_info: 'https://www.twilio.com/docs/errors',
        status,
      });
    if (req.headers.authorization !== `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`)
      return error(401);
    const size = url.searchParams.get('PageSize');
    if (size !== null && !(/^\d+$/.test(size) && Number(size) >= 1 && Number(size) <= 1000))
      return error(400);
    const token = url.searchParams.get('PageToken');
    if (token !== null && token !== `PT${url.searchParams.get('Page')}`) return error(400);
    const p = url.pathname;
    const messagesPath = `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`;
    if (p === '/2010-04-01/Accounts.json')
      return send(200, page(p, 'accounts', accounts, url.searchParams, undefined));
    if (p === `/2010-04-01/Accounts/${ACCOUNT}.json`) return send(200, accounts[0]);
    if (p === messagesPath) return send(200, page(p, 'messages', messages, url.searchParams, fault));
    const one = messages.find((m) => p === `/2010-04-01/Accounts/${ACCOUNT}/Messages/${m.sid}.json`);
    return one ? send(200, one) : error(404);
  });
  server = started;
  await new Promise<void>((resolve) => started.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(started.address() as AddressInfo).port}`;
}

async function conformance(fault: Fault) {
  const baseUrl = await independentProvider(fault);
  const reports = mkdtempSync(join(tmpdir(), 'v2010-'));
  const r = await runCli(
    'conformance',
    [
      '--spec',
      SPEC,
      '--base-url',
      baseUrl,
      '--resource',
      'Messages',
      '--report-dir',
      reports,
      '--seed',
      '3',
      '--pagination-runs',
      '3',
    ],
    { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_API_KEY: '', TWILIO_API_SECRET: '' },
  );
  const report = JSON.parse(readFileSync(join(reports, 'conformance.json'), 'utf8')) as {
    findings: Array<{ rule: string; severity: string; operation: string; message: string }>;
    runs: Array<{ results: Array<{ rule: string; operation: string; outcome: string }> }>;
  };
  const errors = report.findings.filter((f) => f.severity === 'error');
  return { r, errors, rules: new Set(errors.map((f) => f.rule)), results: report.runs[0]?.results ?? [] };
}

describe("API v2010's envelope against an independent provider", () => {
  it('a faithful provider passes every rule on Messages, the list walked through next_page_uri', async () => {
    const { r, errors, results } = await conformance(undefined);
    expect(errors.map((f) => `${f.rule}: ${f.message}`)).toEqual([]);
    expect(r.status, r.stdout).toBe(0);
    const list = 'GET /2010-04-01/Accounts/{AccountSid}/Messages.json';
    for (const rule of [
      'list.meta-key',
      'list.page-size',
      'list.page-urls',
      'pagination.chaining',
      'pagination.same-sequence',
      'pagination.page-token-opaque',
    ])
      expect(results.find((x) => x.rule === rule && x.operation === list)?.outcome, rule).toBe('passed');
  });

  it.each([
    ['absolute-next', 'list.page-urls'],
    ['page-size-not-echoed', 'list.page-size'],
    ['items-renamed', 'list.meta-key'],
    ['next-loops', 'pagination.chaining'],
  ] as const)('%s is caught by %s', async (fault, rule) => {
    const { r, rules } = await conformance(fault);
    expect(r.status).toBe(1);
    expect([...rules]).toContain(rule);
  });
});
