// The main command as a user runs it: offline by default, live against any base URL, one line and
// exit 2 for bad input before anything is sent.

import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { esc } from '../../src/report/junit';
import { RULES } from '../../src/report/rules';
import { PROJECT_ROOT } from '../../src/sources/paths';
import { activeFault, startProvider } from '../../src/targets/targets';
import { runCli, runProcess, startProcess } from '../support/fixtures';
import { contract } from '../support/provider';

const reportDir = () => mkdtempSync(join(tmpdir(), 'conformance-'));
const ACCOUNT = `AC${'c0'.repeat(16)}`;

describe('outages told apart from contract breaks', () => {
  it('a closed port: no contract finding, exit 3 (retry later), reports written', async () => {
    const dir = reportDir();
    const r = await runCli(
      'conformance',
      ['--base-url', 'http://127.0.0.1:9', '--report-dir', dir, '--no-pagination'],
      {
        TWILIO_ACCOUNT_SID: ACCOUNT,
        TWILIO_AUTH_TOKEN: 'x',
      },
    );
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/UNAVAILABLE: \d+ blocking error\(s\), every one a network or provider error/);
    const report = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8'));
    expect(report.findings.filter((f: { category: string }) => f.category === 'contract')).toEqual([]);
  });

  it('the pagination properties derive no contract finding from a request that got no answer', async () => {
    const dir = reportDir();
    const r = await runCli(
      'conformance',
      ['--base-url', 'http://127.0.0.1:9', '--report-dir', dir, '--resource', 'ListSessions'],
      {
        TWILIO_ACCOUNT_SID: ACCOUNT,
        TWILIO_AUTH_TOKEN: 'x',
      },
    );
    expect(r.status).toBe(3);
    const report = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8'));
    expect(report.findings.filter((f: { category: string }) => f.category === 'contract')).toEqual([]);
  });
});

describe('--help', () => {
  it.each([
    'conformance',
    'cleanup',
    'drift',
    'lint-workflows',
    'mutation',
    'pact-verify',
    'provider',
    'record',
    'schemas',
  ])('%s --help: usage, exit 0, nothing else done', async (command) => {
    const r = await runCli(command, ['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run /);
    expect(r.stderr).toBe('');
  });
});

describe('npm run conformance', () => {
  it('offline by default: passes on the shipped cassettes, checks the docs’ fetch example, writes the reports (as a process)', async () => {
    const dir = reportDir();
    const r = await runProcess('conformance', ['--report-dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/▶ recorded:docs-examples/);
    // Quiet: the verdict first and last, per rule one line; accepted errors said as accepted.
    const lines = r.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(
      /^PASSED: 30\/30 operations judged, no blocking error \(6 errors accepted by the baseline/,
    );
    expect(lines.filter((l) => l === lines.at(-1))).toHaveLength(2);
    expect(r.stdout).toMatch(/^ {2}✔ list\.page-urls +10\/10 judged · 4 errors accepted by the baseline$/m);
    expect(r.stdout).not.toMatch(/writes allowed|· pagination|\[accepted\]/);
    expect(lines.length).toBeLessThan(45);
    expect(readdirSync(dir).sort()).toEqual([
      'conformance.html',
      'conformance.json',
      'drift.json',
      'junit.xml',
    ]);
    const report = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8'));
    expect(report.summary.blocking).toBe(0);
    expect(report.summary.accepted).toBeGreaterThan(0);
    expect(report.coverage.operations).toBe(30);
    // The page's banner counts what the terminal counts: accepted errors as accepted, 30 operations.
    const banner = /<div class="banner[\s\S]*?<\/div><\/div>/.exec(
      readFileSync(join(dir, 'conformance.html'), 'utf8'),
    )?.[0];
    expect(banner).toMatch(/<span>0 blocking errors<\/span><span>6 accepted by the baseline<\/span>/);
    expect(banner).toContain('<span>30/30 operations judged</span>');
    expect(banner).toContain(esc(lines.at(-1) as string));
    // All 30 operations judged from the shipped recordings; rules that need a live lifecycle say why not.
    const results = report.runs.flatMap((x: { results: Array<Record<string, string>> }) => x.results);
    expect(
      new Set(
        results
          .filter((x: Record<string, string>) => x.outcome !== 'not-run')
          .map((x: Record<string, string>) => x.operation),
      ).size,
    ).toBe(30);
    expect(results.find((x: Record<string, string>) => x.rule === 'write.delete-gone')?.reason).toMatch(
      /not judged on recordings: the recording holds no exchange this rule judges/,
    );
    const docs = report.runs.find((x: { target: string }) => x.target === 'recorded:docs-examples');
    expect(docs.requests).toContainEqual(
      expect.objectContaining({
        scenario: 'fetch-listed',
        url: 'https://assistants.twilio.com/v1/Sessions/your-session-id',
        status: 200,
      }),
    );
    expect(docs.results).toContainEqual(
      expect.objectContaining({
        rule: 'response.schema',
        operation: 'GET /v1/Sessions/{id}',
        outcome: 'passed',
      }),
    );
    for (const f of report.findings) {
      expect(f.category, f.rule).toMatch(/^(contract|provider-error|network)$/);
      expect(f.source.length, f.rule).toBeGreaterThan(3);
    }
    const drift = JSON.parse(readFileSync(join(dir, 'drift.json'), 'utf8'));
    expect(
      drift
        .flatMap((d: { findings: unknown[] }) => d.findings)
        .filter((f: { severity: string }) => f.severity === 'error'),
    ).toEqual([]);
    const html = readFileSync(join(dir, 'conformance.html'), 'utf8');
    expect(html).toMatch(/Live drift: what the traffic showed/);
    expect(html).toMatch(/<div class="banner passed"/);
    expect(html).toMatch(/<table class="grid"/);
    expect(html).toContain('<li>GET /v1/Assistants</li>');
    const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(
      /<testcase classname="recorded:local-provider.list.meta-key" name="GET \/v1\/Sessions\/\{sessionId\}\/Messages">/,
    );
    const fromReport = await runCli('drift', [
      '--from',
      join(PROJECT_ROOT, 'schemas'),
      '--to',
      join(dir, 'conformance.json'),
    ]);
    expect(fromReport.status).toBe(0);
  });

  it('--list-checks lists every rule of every kind, one line each', async () => {
    const r = await runCli('conformance', ['--list-checks']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(RULES.length);
    expect(r.stdout).toMatch(/^pagination\.chaining +pagination +following next_page_url/m);
    expect(r.stdout).toMatch(/^drift\.request-bound-narrow +drift +request bound narrow: breaking/m);
    expect(r.stdout).toMatch(/^triangulation\.field-presence +triangulation/m);
  });

  it('live against a Twilio-shaped provider reaches every operation and passes; a fault on a nested list exits 1', async () => {
    for (const [fault, expected] of [
      [undefined, 0],
      ['wrong-meta-key@ListMessages', 1],
      ['page-size-above-max-accepted@ListFeedback', 1],
    ] as const) {
      const provider = await startProvider({
        contract,
        items: 7,
        credentials: { username: ACCOUNT, password: 'tok' },
        ...(fault ? { fault: activeFault(fault, contract) } : {}),
      });
      try {
        const dir = reportDir();
        const r = await runCli(
          'conformance',
          // The faithful run walks every list too (no false alarm); the faults are the checks' to catch.
          [
            '--target',
            'live',
            '--report-dir',
            dir,
            ...(fault ? ['--no-pagination'] : ['--pagination-budget', '300']),
          ],
          {
            TWILIO_ASSISTANTS_BASE_URL: provider.url,
            TWILIO_ACCOUNT_SID: ACCOUNT,
            TWILIO_AUTH_TOKEN: 'tok',
          },
        );
        expect(r.status, `${fault}: ${r.stdout}${r.stderr}`).toBe(expected);
        expect(r.stdout).toMatch(/^requests: \d+ for the checks, \d+ for the pagination properties$/m);
        if (!fault) expect(r.stdout).not.toMatch(/, 0 for the pagination properties/);
        const report = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8'));
        const reached = new Set(report.runs[0].requests.map((q: { operation: string }) => q.operation));
        expect(reached.size).toBe(contract.operations.length);
      } finally {
        await provider.close();
      }
    }
  });

  it('--id names the item a fetch reads (one that does not exist is a finding, not a silent fallback)', async () => {
    const dir = reportDir();
    const r = await runCli('conformance', [
      '--target',
      'local',
      '--resource',
      'Sessions',
      '--no-pagination',
      '--read-only',
      '--id',
      'FetchSession=sess_absent',
      '--report-dir',
      dir,
    ]);
    expect(r.status).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8'));
    expect(report.runs[0].requests).toContainEqual(
      expect.objectContaining({
        scenario: 'fetch-listed',
        url: expect.stringMatching(/\/v1\/Sessions\/sess_absent$/),
        status: 404,
      }),
    );
  });

  it('--resource narrows the run to matching operations', async () => {
    const dir = reportDir();
    const r = await runCli('conformance', [
      '--target',
      'local',
      '--resource',
      'Knowledge',
      '--no-pagination',
      '--report-dir',
      dir,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8'));
    const ops = new Set(report.runs[0].results.map((x: { operation: string }) => x.operation));
    expect([...ops].sort()).toEqual([
      'DELETE /v1/Knowledge/{id}',
      'GET /v1/Knowledge',
      'GET /v1/Knowledge/{id}',
      'GET /v1/Knowledge/{id}/Chunks',
      'GET /v1/Knowledge/{id}/Status',
      'POST /v1/Knowledge',
      'PUT /v1/Knowledge/{id}',
      'the run journal',
      'the write lifecycle',
    ]);
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
    [
      ['--target', 'live', '--base-url', 'http://127.0.0.1:9/twilio-assistants'],
      { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: 'x' },
      /^conformance: --base-url: must be an origin \(scheme, host, port\) with no path, query or fragment/,
    ],
    [
      ['--target', 'live', '--base-url', 'http://127.0.0.1:9', '--writes', 'ACnope'],
      { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: 'x' },
      /^conformance: --writes: expected the disposable account's SID/,
    ],
    [
      ['--target', 'local', '--writes', ACCOUNT],
      {},
      /^conformance: --writes: only for --target live, and this run's target is local/,
    ],
    [['--target', 'recorded', '--read-only'], {}, /^conformance: --read-only: only for --target local/],
    [
      ['--target', 'live', '--fault', 'wrong-type'],
      { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: 'x' },
      /^conformance: --fault: only for --target local, and this run's target is live/,
    ],
    [
      ['--base-url', 'http://127.0.0.1:9', '--fault', 'wrong-type'],
      {},
      /^conformance: --base-url, --fault: these flags belong to different targets \(live, local\); choose one with --target/,
    ],
    // --base-url alone means live: without credentials that is one line, never a replay of the recordings.
    [
      ['--base-url', 'http://127.0.0.1:9'],
      { TWILIO_ACCOUNT_SID: '' },
      /^conformance: live target needs TWILIO_ACCOUNT_SID/,
    ],
    [['--target', 'moon'], {}, /^conformance: --target: expected recorded\|live\|local/],
    [['--budget', 'lots'], {}, /^conformance: --budget: expected an integer from 1 to/],
    [['--processing-timeout', '5'], {}, /^conformance: --processing-timeout: only for a run that writes/],
    [
      ['--target', 'local', '--read-only', '--write-budget', '9'],
      {},
      /^conformance: --write-budget: only for a run that writes/,
    ],
    [['--timeout', '3000000000'], {}, /^conformance: --timeout: expected an integer from 1 to 2147483647/],
    [['--timeout', '99999999999'], {}, /^conformance: --timeout: expected an integer from 1 to 2147483647/],
    [['--only', 'no.such.check'], {}, /^conformance: --only: unknown rule no\.such\.check/],
    [['--resource', 'Widgets'], {}, /^conformance: --resource: no operation matches Widgets/],
    [['--fault', 'nope', '--target', 'local'], {}, /^conformance: --fault: unknown fault "nope"/],
    [['--loud'], {}, /^conformance: Unknown option '--loud'/],
    [
      ['--id', 'ListSessions=1'],
      {},
      /^conformance: --id: ListSessions is not an operation with a path parameter/,
    ],
    [['--id', 'FetchSession'], {}, /^conformance: --id: expected OperationId=VALUE, got "FetchSession"/],
  ])('bad input %j: one line, exit 2, nothing sent, no report', async (args, env, message) => {
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
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });
});

describe('npm run provider', () => {
  it('as a process: serves the API on 127.0.0.1 with the given credentials until SIGTERM, then exits 0', async () => {
    const child = startProcess('provider', ['--items', '3', '--account-sid', ACCOUNT, '--auth-token', 'tok']);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = /reference provider on (http:\/\/127\.0\.0\.1:\d+): 15 reads and 15 writes/.exec(stdout);
        if (m?.[1]) resolve(m[1]);
      });
      child.on('close', () => reject(new Error(`exited before serving: ${stdout}`)));
    });
    const basic = `Basic ${Buffer.from(`${ACCOUNT}:tok`).toString('base64')}`;
    const page = await fetch(`${url}/v1/Assistants?PageSize=2`, { headers: { authorization: basic } });
    expect(page.status).toBe(200);
    expect(((await page.json()) as { assistants: unknown[] }).assistants).toHaveLength(2);
    const wrong = await fetch(`${url}/v1/Assistants`, {
      headers: { authorization: `Basic ${Buffer.from(`${ACCOUNT}:other`).toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('--dry-run', () => {
  it('prints the plan — the reads in waves, the writes and their refusals — and sends nothing', async () => {
    const { recordingProxy, provider, env } = await import('../support/writes');
    const p = await provider(2);
    const proxy = await recordingProxy(p.url);
    const r = await runCli(
      'conformance',
      [
        '--target',
        'live',
        '--base-url',
        proxy.url,
        '--writes',
        env.TWILIO_ACCOUNT_SID,
        '--dry-run',
        '--resource',
        'Tools',
      ],
      env,
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^the plan on live \(nothing is sent\):/);
    expect(r.stdout).toMatch(/wave 1 {2}GET \/v1\/Tools: list-default, list-sized\[2\], list-next\[2\]/);
    expect(r.stdout).toMatch(/wave 2 {2}GET \/v1\/Tools\/\{id\}: fetch-listed, unknown-id, no-auth/);
    expect(r.stdout).toMatch(
      /write {2}POST \/v1\/Tools \(create\): \d+ refused bodies, malformed JSON, no credentials/,
    );
    expect(proxy.seen).toEqual([]);
  });
});
