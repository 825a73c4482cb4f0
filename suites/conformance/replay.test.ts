// A failing run replays from what it printed, and its report reads verdict first.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/fixtures';

const reportDir = () => mkdtempSync(join(tmpdir(), 'conformance-'));

describe('a failing run replays, and reads verdict first', () => {
  const normalized = (file: string) => {
    const r = JSON.parse(readFileSync(file, 'utf8')) as {
      seed: number;
      findings: Array<Record<string, unknown>>;
    };
    return {
      seed: r.seed,
      findings: r.findings
        .map(({ replay: _r, ...f }) =>
          JSON.stringify(f)
            .replace(/127\.0\.0\.1:\d+/g, 'HOST')
            .replace(/--journal-dir [^ "]+/g, '--journal-dir DIR'),
        )
        .sort(),
    };
  };

  it('records a non-negative seed everywhere; each finding carries the command; that seed gives the same findings', async () => {
    const a = reportDir();
    const first = await runCli('conformance', [
      ...['--target', 'local', '--fault', 'wrong-type@ListTools', '--items', '5', '--resource', 'Tools'],
      ...['--pagination-runs', '2', '--report-dir', a, '--verbose'],
    ]);
    expect(first.status).toBe(1);
    const seed = Number(/^seed (\d+): /m.exec(first.stdout)?.[1]);
    // --verbose progress: each rule on each target, counted as in the summary (never "write (81
    // operations)"), and each pagination property on each list, as it ends.
    expect(first.stdout).toMatch(
      /^ {2}local:wrong-type@ListTools: ✖ response\.schema +2\/2 judged · \d+ errors?$/m,
    );
    expect(first.stdout).toMatch(/^ {2}local:wrong-type@ListTools: ✔ write\.status +\d+\/\d+ judged/m);
    expect(first.stdout).not.toMatch(/\(\d+ operations\)/);
    expect(first.stdout).toMatch(
      /^ {4}· pagination\.\S+ GET \/v1\/Tools: (passed|failed|not-run), \d+ requests$/m,
    );
    expect(seed).toBeGreaterThanOrEqual(0);
    const report = JSON.parse(readFileSync(join(a, 'conformance.json'), 'utf8'));
    expect(report.seed).toBe(seed);
    expect(report.replay).toBe(
      `npm run conformance -- --target local --fault wrong-type@ListTools --items 5 --resource Tools --pagination-runs 2 --report-dir ${a} --verbose --seed ${seed}`,
    );
    const blocking = report.findings.filter(
      (f: { severity: string; accepted?: unknown }) => f.severity === 'error',
    );
    expect(blocking.length).toBeGreaterThan(0);
    for (const f of report.findings) expect(f.replay).toBe(report.replay);
    expect(first.stdout).toContain(`replay: ${report.replay}`);
    const html = readFileSync(join(a, 'conformance.html'), 'utf8');
    expect(html).toContain(`seed <code>${seed}</code>`);
    // Verdict first: the banner, then every blocking finding's rule, all before the first grid.
    const grid = html.indexOf('<table class="grid"');
    expect(html.indexOf('<div class="banner failed"')).toBeGreaterThan(-1);
    expect(html.indexOf('<div class="banner failed"')).toBeLessThan(grid);
    const list = html.slice(html.indexOf('<ol class="blocking">'), grid);
    for (const f of blocking)
      expect(list).toContain(`<code>${f.rule}</code> on <b>${f.operation.replace(/&/g, '&amp;')}</b>`);

    const b = reportDir();
    const again = await runCli('conformance', [
      '--target',
      'local',
      '--fault',
      'wrong-type@ListTools',
      '--items',
      '5',
      '--resource',
      'Tools',
      '--pagination-runs',
      '2',
      '--report-dir',
      b,
      '--seed',
      String(seed),
    ]);
    expect(again.status).toBe(1);
    expect(normalized(join(b, 'conformance.json'))).toEqual(normalized(join(a, 'conformance.json')));
  });

  it('the terminal marks ✖ only what fails the run: accepted failures pass, a rule that ran nowhere shows no count', async () => {
    const dir = reportDir();
    const baseline = join(dir, 'baseline.json');
    writeFileSync(baseline, '{"entries": []}');
    const args = [
      ...['--target', 'local', '--fault', 'wrong-type@ListTools', '--seed', '7', '--items', '5'],
      ...['--resource', 'Tools', '--read-only', '--no-pagination', '--baseline', baseline],
    ];
    const failing = await runCli('conformance', [...args, '--report-dir', dir]);
    expect(failing.stdout).toMatch(/^ {2}✖ response\.schema /m);
    await runCli('conformance', [...args, '--report-dir', dir, '--update-baseline']);
    const accepted = await runCli('conformance', [...args, '--report-dir', dir]);
    expect(accepted.status, accepted.stdout).toBe(0);
    expect(accepted.stdout).not.toMatch(/✖/);
    expect(accepted.stdout).toMatch(
      /^ {2}✔ response\.schema +2\/2 judged · \d+ errors? accepted by the baseline/m,
    );
    expect(accepted.stdout).toMatch(/^PASSED: .* \(\d+ errors? accepted by the baseline/m);
    const verbose = await runCli('conformance', [...args, '--report-dir', dir, '--verbose']);
    expect(verbose.stdout).toMatch(/ response\.schema +\d+ +0 +[1-9]\d* +\d+$/m);
    const none = await runCli('conformance', [
      '--target',
      'local',
      '--resource',
      'Tools',
      '--items',
      '0',
      '--read-only',
      '--allow-unjudged',
      '--report-dir',
      dir,
      '--baseline',
      baseline,
    ]);
    for (const line of none.stdout.split('\n').filter((l) => /^ {2}– /.test(l)))
      expect(line).toMatch(/ not run \([^)]/);
    expect(none.stdout).toMatch(/^ {2}– /m);
  });
});

describe('the replay line never carries what the flags were refused for', () => {
  it('a base URL with credentials: refused before the seed and replay line is printed', async () => {
    const r = await runCli(
      'conformance',
      ['--target', 'live', '--base-url', 'http://u:pw-in-the-url@127.0.0.1:9'],
      {
        TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'token-for-the-test',
      },
    );
    expect(r.status).toBe(2);
    expect(r.stdout + r.stderr).not.toContain('pw-in-the-url');
  });
});

describe('many targets: one grid over all of them', () => {
  it('six cassettes: one grid, a line per target, the full section only for the failing one', async () => {
    const { PROJECT_ROOT } = await import('../../src/sources/paths');
    const dir = mkdtempSync(join(tmpdir(), 'many-cassettes-'));
    const shipped = (name: string) =>
      JSON.parse(readFileSync(join(PROJECT_ROOT, 'suites/recordings', name), 'utf8')) as {
        interactions: Array<{ request: { method: string } }>;
      };
    const good = shipped('local-provider.json');
    const gets = good.interactions.filter((i) => i.request.method === 'GET').slice(0, 6);
    for (let i = 1; i <= 5; i++)
      writeFileSync(join(dir, `good-${i}.json`), JSON.stringify({ ...good, interactions: gets }));
    // The docs' own examples break list.meta-key; without the shipped baseline nothing accepts it.
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(shipped('docs-examples.json')));
    const out = reportDir();
    const baseline = join(out, 'baseline.json');
    writeFileSync(baseline, '{"entries": []}');
    const r = await runCli('conformance', [
      '--recordings',
      dir,
      '--baseline',
      baseline,
      '--allow-unjudged',
      '--report-dir',
      out,
    ]);
    expect(r.status, r.stderr).toBe(1);
    const html = readFileSync(join(out, 'conformance.html'), 'utf8');
    expect(html.match(/<table class="grid"/g)).toHaveLength(2);
    expect(html).toContain('<h2>All 6 targets</h2>');
    expect(html).toContain('<summary>Targets (1 failing)</summary>');
    expect(html).toContain('<h2>Target recorded:bad</h2>');
    expect(html).not.toContain('<h2>Target recorded:good-1</h2>');
  });
});
