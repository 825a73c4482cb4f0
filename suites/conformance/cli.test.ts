import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/registry';
import { PAGINATION_PROPERTIES } from '../../src/pagination/properties';
import { faultNamed } from '../../src/provider/faults';
import { startProvider } from '../../src/provider/server';
import { PROJECT_ROOT } from '../../src/sources/paths';
import { runCli } from '../support/fixtures';

const reportDir = () => mkdtempSync(join(tmpdir(), 'conformance-'));
const ACCOUNT = `AC${'c0'.repeat(16)}`;

describe('npm run conformance', () => {
  it('offline by default: passes on the shipped cassettes and writes the reports, live drift included', async () => {
    const dir = reportDir();
    const r = await runCli('conformance', ['--report-dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/▶ recorded:docs-examples/);
    expect(r.stdout).toMatch(/\[accepted\]/);
    expect(readdirSync(dir).sort()).toEqual([
      'conformance.html',
      'conformance.json',
      'drift.json',
      'junit.xml',
    ]);
    const drift = JSON.parse(readFileSync(join(dir, 'drift.json'), 'utf8'));
    const local = drift.find((d: { target: string }) => d.target === 'recorded:local-provider');
    expect(local.formatsSeen).toMatchObject({ date_updated: 'date-time' });
    expect(local.changes).toContainEqual(
      expect.objectContaining({ field: 'assistant_id', change: 'pattern-violated', class: 'breaking' }),
    );
    expect(readFileSync(join(dir, 'conformance.html'), 'utf8')).toMatch(
      /Live drift: what the traffic showed/,
    );
    const fromReport = await runCli('drift', [
      '--from',
      join(PROJECT_ROOT, 'schemas'),
      '--to',
      join(dir, 'conformance.json'),
      '--json',
    ]);
    expect(JSON.parse(fromReport.stdout).changes).toContainEqual(
      expect.objectContaining({ field: 'assistant_id', change: 'pattern-violated' }),
    );
    const report = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8'));
    expect(report.summary.blocking).toBe(0);
    expect(report.summary.accepted).toBeGreaterThan(0);
    const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(
      /<testcase classname="recorded:local-provider.list.meta-key" name="GET \/v1\/Sessions">/,
    );
  });

  it('--list-checks lists every check with one line each', async () => {
    const r = await runCli('conformance', ['--list-checks']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(CHECKS.length + PAGINATION_PROPERTIES.length);
    expect(r.stdout).toMatch(/^pagination\.chaining +following next_page_url/m);
    expect(r.stdout).toMatch(/^list\.page-size-bounds +PageSize 0, 1001/m);
  });

  it('live against the local provider passes, and exits 1 against a fault', async () => {
    for (const [fault, expected] of [
      [undefined, 0],
      ['page-size-1001-accepted', 1],
      ['wrong-meta-key', 1],
      ['lost-across-pages', 1],
    ] as const) {
      const f = fault ? faultNamed(fault) : undefined;
      const provider = await startProvider({
        sessions: 7,
        credentials: { username: ACCOUNT, password: 'tok' },
        ...(f ? { fault: f } : {}),
      });
      try {
        const dir = reportDir();
        const r = await runCli('conformance', ['--target', 'live', '--report-dir', dir], {
          TWILIO_ASSISTANTS_BASE_URL: provider.url,
          TWILIO_ACCOUNT_SID: ACCOUNT,
          TWILIO_AUTH_TOKEN: 'tok',
        });
        expect(r.status, `${fault}: ${r.stdout}${r.stderr}`).toBe(expected);
        expect(r.stdout).toMatch(/\d+ requests of a budget of 50/);
        expect(r.stdout).toMatch(/pagination properties: \d+ requests of a budget of 400/);
        if (fault === 'lost-across-pages')
          expect(r.stdout).toMatch(/error +pagination\.(chaining|same-sequence)/);
      } finally {
        await provider.close();
      }
    }
  });

  it.each([
    [['--target', 'live'], { TWILIO_ACCOUNT_SID: '' }, /^conformance: live target needs TWILIO_ACCOUNT_SID/],
    [
      ['--target', 'live'],
      { TWILIO_ACCOUNT_SID: 'AC123', TWILIO_AUTH_TOKEN: 'x' },
      /^conformance: TWILIO_ACCOUNT_SID: expected "AC" followed by 32 hex digits/,
    ],
    [
      ['--target', 'live'],
      { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: '' },
      /^conformance: live target needs TWILIO_AUTH_TOKEN/,
    ],
    [
      ['--target', 'live', '--base-url', 'not a url'],
      { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: 'x' },
      /^conformance: --base-url: not a URL/,
    ],
    [['--target', 'moon'], {}, /^conformance: --target: expected recorded\|live\|local/],
    [['--budget', 'lots'], {}, /^conformance: --budget: expected a positive integer/],
    [['--only', 'no.such.check'], {}, /^conformance: unknown check no\.such\.check/],
    [['--verbose'], {}, /^conformance: Unknown option '--verbose'/],
  ])('bad input %j: one line, exit 2, no report', async (args, env, message) => {
    const dir = join(reportDir(), 'out');
    const r = await runCli('conformance', [...args, '--report-dir', dir], {
      TWILIO_AUTH_TOKEN: '',
      TWILIO_API_KEY: '',
      TWILIO_API_SECRET: '',
      ...env,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(dir)).toBe(false);
  });
});
