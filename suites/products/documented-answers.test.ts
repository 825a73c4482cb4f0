// Reads whose documented success answer is not a 200 application/json body, from a part of
// twilio_iam_organizations (suites/fixtures/specs/twilio-oai/twilio_iam_organizations.reads.subset.json):
// the SCIM users list and fetch (application/scim+json), the OAuth authorize (a 302 whose JSON body
// says where to go), and a read written for the fixture that answers text/csv only. Every GET of the
// spec is counted: the first three judged against what the spec documents, the CSV one named with
// its reason. The faithful reference provider raises nothing; each way of breaking those answers (the
// wrong status, a body the schema refuses, the wrong media type) is caught by the rule for it, and a
// redirect's Location is never followed.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFromSpec } from '../../src/model/build';
import { operationLabel } from '../../src/model/operation';
import { Contract } from '../../src/schemas/contract';
import { readSpecFile } from '../../src/sources/spec';
import { FIXTURES, runCli } from '../support/fixtures';
import { hostileProxy, withJson } from '../support/hostile';
import { env, provider } from '../support/writes';

const SPEC = join(FIXTURES, 'specs/twilio-oai/twilio_iam_organizations.reads.subset.json');
const built = buildFromSpec(readSpecFile(SPEC), { docs: [] }).model;
const contract = new Contract(built, 'spec');
const specGets = Object.values(
  (JSON.parse(readFileSync(SPEC, 'utf8')) as { paths: Record<string, object> }).paths,
).filter((item) => 'get' in item).length;

const USERS = 'GET /Organizations/{OrganizationSid}/scim/Users';
const USER = 'GET /Organizations/{OrganizationSid}/scim/Users/{UserSid}';
const AUTHORIZE = 'GET /v1/authorize';
const CSV = 'GET /Organizations/{OrganizationSid}/Users.csv';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Report {
  runs: Array<{ results: Array<{ rule: string; operation: string; outcome: string }> }>;
  findings: Array<{ severity: string; rule: string; operation: string; message: string }>;
  coverage: {
    operations: number;
    unjudged: unknown[];
    notModelled?: Array<{ operation: string; reason: string }>;
  };
}

/** A conformance run of a fixture spec (the IAM part unless named): its exit, its lines, its report. */
async function conformance(args: string[], environment: NodeJS.ProcessEnv = {}, spec = SPEC) {
  const dir = mkdtempSync(join(tmpdir(), 'documented-answers-'));
  dirs.push(dir);
  const out = await runCli(
    'conformance',
    ['--spec', spec, '--report-dir', dir, '--seed', '1', ...args],
    environment,
  );
  const report = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as Report;
  const errors = report.findings.filter((f) => f.severity === 'error');
  const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
  return { out, report, errors, junit, results: report.runs.flatMap((r) => r.results) };
}

const local = (...more: string[]) => ['--target', 'local', '--read-only', '--pagination-runs', '1', ...more];
/** A live run (GETs only) of the authorize read alone, through `url` (a proxy in front of the reference provider). */
const live = (url: string) => [
  '--target',
  'live',
  '--base-url',
  url,
  '--no-pagination',
  '--resource',
  'FetchAuthorize',
];

describe('the model of reads documented as a +json body or a redirect', () => {
  it('holds each with its documented status and media type; the read with no JSON body is named, with why', () => {
    const ops = Object.fromEntries(built.operations.map((op) => [operationLabel(op), op]));
    expect(Object.keys(ops).sort()).toEqual([USERS, USER, AUTHORIZE].sort());
    expect(ops[USERS]).toMatchObject({ media: 'application/scim+json' });
    expect(ops[USER]).toMatchObject({ media: 'application/scim+json' });
    expect(ops[AUTHORIZE]).toMatchObject({ success: 302 });
    expect(ops[AUTHORIZE]?.media).toBeUndefined();
    expect(built.unmodelled?.map((u) => [operationLabel(u), u.reason])).toEqual([
      [CSV, expect.stringMatching(/no JSON body .*\(200 text\/csv\)/)],
    ]);
    // Every GET of the spec is either an operation or named as unmodelled.
    expect(built.operations.length + (built.unmodelled?.length ?? 0)).toBe(specGets);
  });
});

describe('against the faithful reference provider', () => {
  it('every GET counted: three judged and passed, the CSV one named NOT MODELLED, exit 0', async () => {
    const { out, report, errors, junit, results } = await conformance(local());
    expect(out.status, `${out.stdout}\n${out.stderr}`).toBe(0);
    expect(errors).toEqual([]);
    expect(out.stdout).toContain('PASSED: 3/4 operations judged, 1 read(s) not modelled, no blocking error');
    expect(out.stdout).toMatch(
      /^NOT MODELLED: 1 read\(s\) of the spec no rule can judge:\n {2}GET \/Organizations\/\{OrganizationSid\}\/Users\.csv: .*text\/csv/m,
    );
    expect(report.coverage.operations).toBe(specGets);
    expect(report.coverage.unjudged).toEqual([]);
    expect(report.coverage.notModelled?.map((u) => u.operation)).toEqual([CSV]);
    expect(junit).toMatch(
      /<testcase classname="coverage.not-modelled" name="GET \/Organizations\/\{OrganizationSid\}\/Users.csv"><skipped message="[^"]*text\/csv/,
    );
    for (const op of [USERS, USER, AUTHORIZE])
      for (const rule of ['response.status', 'response.content-type', 'response.schema'])
        expect(results.find((r) => r.operation === op && r.rule === rule)?.outcome, `${rule} ${op}`).toBe(
          'passed',
        );
  }, 60_000);
});

describe('a provider that breaks what the spec documents is caught by the rule for it', () => {
  it.each([
    ['status-202@FetchAuthorize', AUTHORIZE, 'response.status', /expected status 302, got 202/],
    ['redirect-followed@FetchAuthorize', AUTHORIZE, 'response.status', /expected status 302, got 200/],
    [
      'undocumented-media-type@FetchOrganizationUser',
      USER,
      'response.content-type',
      /expected application\/scim\+json/,
    ],
    ['wrong-content-type@ListOrganizationUsers', USERS, 'response.content-type', /text\/plain/],
  ])(
    '%s: %s fails %s (exit 1)',
    async (fault, operation, rule, message) => {
      const { out, errors } = await conformance(local('--fault', fault));
      expect(out.status, out.stdout).toBe(1);
      expect(errors.map((f) => [f.rule, f.operation])).toContainEqual([rule, operation]);
      expect(errors.find((f) => f.rule === rule)?.message).toMatch(message);
    },
    60_000,
  );

  it('a redirect whose body the schema refuses: response.schema fails on it, through a proxy (exit 1)', async () => {
    const p = await provider(5, contract);
    const proxy = await hostileProxy(p.url, async (asked, forward) =>
      asked.path === '/v1/authorize'
        ? withJson(await forward(), (body) => ({ ...body, redirect_to: 42 }))
        : undefined,
    );
    const { out, errors } = await conformance(live(proxy.url), env);
    expect(out.status, out.stdout).toBe(1);
    expect(errors.map((f) => [f.rule, f.operation])).toContainEqual(['response.schema', AUTHORIZE]);
    expect(errors.find((f) => f.rule === 'response.schema')?.message).toMatch(/redirect_to/);
    expect(new Set(errors.map((f) => f.operation))).toEqual(new Set([AUTHORIZE]));
  }, 60_000);
});

describe('a list whose fetch answers a redirect (Bulk Exports v1: the days of an export, each a 307 to its file)', () => {
  it('fetching a listed day answers the documented 307; its body is where the file is, not the list entry: exit 0', async () => {
    // FetchDay pairs with ListDay (its {Day} is a listed day's `day`), but its answer is a redirect:
    // pagination.fetch-list-agreement judges that each listed day's fetch answers 307, and neither it
    // nor fetch.matches-list compares the redirect's body with the list entry.
    const spec = join(FIXTURES, 'specs/twilio-oai/twilio_bulkexports_v1.subset.json');
    const { out, errors, results } = await conformance(local(), {}, spec);
    expect(out.status, out.stdout).toBe(0);
    expect(errors).toEqual([]);
    const day = 'GET /v1/Exports/{ResourceType}/Days/{Day}';
    const outcome = (rule: string, op: string) =>
      results.find((r) => r.rule === rule && r.operation === op)?.outcome;
    expect(outcome('response.status', day)).toBe('passed');
    expect(outcome('response.schema', day)).toBe('passed');
    expect(outcome('fetch.unknown-id', day)).toBe('passed');
    expect(outcome('pagination.fetch-list-agreement', 'GET /v1/Exports/{ResourceType}/Days')).toBe('passed');
    expect(results.some((r) => r.rule === 'fetch.matches-list' && r.operation === day)).toBe(false);
  }, 60_000);
});

describe("a redirect's Location", () => {
  it('is never followed: the documented 302 is judged, nothing reaches where it points (exit 0)', async () => {
    const followed: string[] = [];
    const trap = createServer((req, res) => {
      followed.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', () => r()));
    const at = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/followed`;
    try {
      const p = await provider(5, contract);
      const proxy = await hostileProxy(p.url, async (asked, forward) => {
        if (asked.path !== '/v1/authorize') return undefined;
        const a = await forward();
        return { ...a, headers: { ...a.headers, location: at } };
      });
      const { out, errors, results } = await conformance(live(proxy.url), env);
      expect(out.status, out.stdout).toBe(0);
      expect(out.stdout).toContain('PASSED: 1/1 operations judged, no blocking error');
      expect(errors).toEqual([]);
      expect(proxy.seen.some((a) => a.path === '/v1/authorize')).toBe(true);
      expect(results.find((r) => r.operation === AUTHORIZE && r.rule === 'response.status')?.outcome).toBe(
        'passed',
      );
      expect(followed).toEqual([]);
    } finally {
      await new Promise((r) => trap.close(r));
    }
  }, 60_000);
});
