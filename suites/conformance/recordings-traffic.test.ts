// Recordings are traffic: every recorded exchange that maps to an operation is judged, at whatever
// query and id it was recorded; the plan's scenarios where they were recorded; an exchange that maps
// to no operation is said; a run that judged an operation nothing is not green.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../src/report/conformance-report';
import { startProvider } from '../../src/targets/targets';
import { runCli } from '../support/fixtures';
import { contract } from '../support/provider';

const json = { 'content-type': 'application/json' };
const account = `AC${'a'.repeat(32)}`;
const knowledge = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `knowledge ${id}`,
  type: 'File',
  account_sid: account,
  date_created: '2025-01-01T00:00:00Z',
  date_updated: '2025-01-01T00:00:00Z',
  ...extra,
});
const sessionsPage = (pageSize: number) => {
  const url = `https://assistants.twilio.com/v1/Sessions?PageSize=${pageSize}&Page=0`;
  return {
    meta: {
      first_page_url: url,
      key: 'sessions',
      next_page_url: null,
      page: 0,
      page_size: pageSize,
      previous_page_url: null,
      url,
    },
    sessions: [
      {
        id: 'sess_1',
        account_sid: account,
        assistant_id: 'aia_asst_1',
        verified: true,
        identity: 'u',
        date_created: '2025-01-01T00:00:00Z',
        date_updated: '2025-01-01T00:00:00Z',
      },
    ],
  };
};
type Exchange = { path: string; status?: number; body: unknown; authenticated?: boolean };

async function replay(name: string, exchanges: Exchange[], extra: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), `traffic-${name}-`));
  const recordings = join(dir, 'recordings');
  const reports = join(dir, 'reports');
  await import('node:fs').then((fs) => fs.mkdirSync(recordings));
  writeFileSync(
    join(recordings, `${name}.json`),
    JSON.stringify({
      label: name,
      source: 'test',
      origin: 'https://assistants.twilio.com',
      interactions: exchanges.map((e) => ({
        request: { method: 'GET', path: e.path, authenticated: e.authenticated ?? true },
        response: { status: e.status ?? 200, headers: json, body: e.body },
      })),
    }),
  );
  const r = await runCli('conformance', ['--recordings', recordings, '--report-dir', reports, ...extra]);
  const report = JSON.parse(readFileSync(join(reports, 'conformance.json'), 'utf8')) as ConformanceReport;
  return { ...r, report };
}

const requestsOf = (report: ConformanceReport, operation: string) =>
  report.runs.flatMap((run) => run.requests).filter((q) => q.operation === operation && q.status !== 599);

describe('recordings are traffic', () => {
  it('a list recorded with the query twilio-node sends (?PageSize=20) is judged by the list rules', async () => {
    const r = await replay(
      'page-size-20',
      [{ path: '/v1/Sessions?PageSize=20', body: sessionsPage(20) }],
      ['--resource', 'ListSessions'],
    );
    const judged = requestsOf(r.report, 'GET /v1/Sessions');
    expect(judged.map((q) => q.scenario)).toContain('recorded');
    const results = r.report.runs[0]?.results.filter((x) => x.operation === 'GET /v1/Sessions') ?? [];
    expect(results.find((x) => x.rule === 'list.page-size')?.outcome).toBe('passed');
    expect(results.find((x) => x.rule === 'response.schema')?.outcome).toBe('passed');
    expect(r.status, r.stdout).toBe(0);
  });

  it('the same list recorded with a page_size that does not echo PageSize fails list.page-size', async () => {
    const r = await replay(
      'page-size-lies',
      [
        {
          path: '/v1/Sessions?PageSize=20',
          body: { ...sessionsPage(20), meta: { ...sessionsPage(20).meta, page_size: 50 } },
        },
      ],
      ['--resource', 'ListSessions'],
    );
    expect(r.report.findings.some((f) => f.rule === 'list.page-size' && f.severity === 'error')).toBe(true);
    expect(r.status).toBe(1);
  });

  it('a cassette with three fetches of different ids has all three judged', async () => {
    const bad = knowledge('aia_know_3', { date_created: 'yesterday' });
    const r = await replay(
      'three-fetches',
      [
        { path: '/v1/Knowledge/aia_know_1', body: knowledge('aia_know_1') },
        { path: '/v1/Knowledge/aia_know_2', body: knowledge('aia_know_2') },
        { path: '/v1/Knowledge/aia_know_3', body: bad },
      ],
      ['--resource', 'FetchKnowledge', '--allow-unjudged'],
    );
    const fetched = requestsOf(r.report, 'GET /v1/Knowledge/{id}').filter((q) => q.status === 200);
    expect(fetched.map((q) => q.url).sort()).toEqual(
      [1, 2, 3].map((k) => `https://assistants.twilio.com/v1/Knowledge/aia_know_${k}`),
    );
    // The third one is judged too: its date fails the spec's format.
    const error = r.report.findings.find((f) => f.rule === 'response.schema' && f.severity === 'error');
    expect(error?.request?.url).toMatch(/aia_know_3$/);
  });

  it('a recorded request without credentials is judged by auth.required where it was recorded', async () => {
    const r = await replay(
      'anonymous-200',
      [
        { path: '/v1/Sessions', body: sessionsPage(50) },
        { path: '/v1/Sessions?PageSize=5', body: sessionsPage(5), authenticated: false },
      ],
      ['--resource', 'ListSessions'],
    );
    expect(r.report.findings.find((f) => f.rule === 'auth.required')).toMatchObject({
      severity: 'error',
      request: { url: 'https://assistants.twilio.com/v1/Sessions?PageSize=5', authenticated: false },
    });
  });

  it('a cassette whose only exchange maps to no operation does not pass, and says so', async () => {
    const r = await replay('unmapped', [{ path: '/v2/Elsewhere/1', body: {} }]);
    expect(r.report.findings.find((f) => f.rule === 'transport.unmapped')).toMatchObject({
      severity: 'warning',
      operation: 'GET /v2/Elsewhere/1',
    });
    expect(r.report.verdict.passed).toBe(false);
    expect(r.stdout).toMatch(/NOT JUDGED: 15 operation\(s\)/);
    expect(r.status).toBe(1);
  });
});

describe('coverage in the verdict', () => {
  it('a live run against an account with no sessions exits 1, naming the Sessions operations it could not judge', async () => {
    const creds = { username: `AC${'0123456789abcdef'.repeat(2)}`, password: 'empty-account-token' };
    const provider = await startProvider({ contract, items: 0, seed: 1, credentials: creds });
    try {
      const reports = mkdtempSync(join(tmpdir(), 'empty-live-'));
      const r = await runCli(
        'conformance',
        ['--target', 'live', '--base-url', provider.url, '--resource', 'Sessions', '--report-dir', reports],
        { TWILIO_ACCOUNT_SID: creds.username, TWILIO_AUTH_TOKEN: creds.password },
      );
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(
        /NOT JUDGED: 2 operation\(s\) no rule could judge: GET \/v1\/Sessions\/\{id\}/,
      );
      expect(r.stdout).not.toMatch(/^PASSED/m);
    } finally {
      await provider.close();
    }
  });

  it('an operation no rule could judge fails the run with one line naming it and how to judge it; --allow-unjudged passes it', async () => {
    const cassette: Exchange[] = [{ path: '/v1/Sessions', body: { ...sessionsPage(50), sessions: [] } }];
    const r = await replay('empty-account', cassette, ['--resource', 'Sessions']);
    expect(r.status).toBe(1);
    const line = r.stdout.split('\n').find((l) => l.includes('NOT JUDGED')) ?? '';
    expect(line).toMatch(/GET \/v1\/Sessions\/\{id\} \(no item of GET \/v1\/Sessions to read it under\)/);
    expect(line).toMatch(/GET \/v1\/Sessions\/\{sessionId\}\/Messages/);
    expect(line).toMatch(/--id FetchSession=VALUE --id ListMessages=VALUE/);
    expect(r.report.coverage.unjudged.map((u) => u.operation)).toEqual([
      'GET /v1/Sessions/{id}',
      'GET /v1/Sessions/{sessionId}/Messages',
    ]);
    const allowed = await replay('empty-account-allowed', cassette, [
      '--resource',
      'Sessions',
      '--allow-unjudged',
    ]);
    expect(allowed.status).toBe(0);
    expect(allowed.stdout).toMatch(/\(allowed\) NOT JUDGED/);
  });
});
