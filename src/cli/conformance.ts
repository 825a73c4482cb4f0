// npm run conformance -- [--target recorded|live|local] [--base-url URL] [--only CHECK,…] [--budget N]
//   [--report-dir DIR] [--contract docs|spec|both] [--baseline FILE] [--update-baseline] [--list-checks]

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import '../polyfills';
import { applyBaseline, loadBaseline, updatedBaseline } from '../baseline';
import { CHECKS, selectChecks } from '../checks/registry';
import { type RunResult, runConformance } from '../checks/runner';
import { CONTRACT_MODES, Contract, type ContractMode } from '../contract/contract';
import { observedDrift, observedModel } from '../drift/observed';
import { UsageError } from '../errors';
import { bySeverity, type Finding, isBlocking } from '../findings';
import { stableJson, writeFileAtomic } from '../fs-atomic';
import { PAGINATION_PROPERTIES, type PageSizePolicy } from '../pagination/properties';
import { buildReport, writeConformanceReports } from '../report/conformance-report';
import { findingLine } from '../report/findings-markdown';
import { PROJECT_ROOT } from '../sources';
import { DEFAULT_PAGINATION_BUDGET, prepareTargets, TARGETS, type TargetKind } from '../transport/targets';
import { intFlag, parseFlags, runCommand } from './run';

await runCommand('conformance', async () => {
  const flags = parseFlags({
    target: { type: 'string' },
    'base-url': { type: 'string' },
    only: { type: 'string' },
    budget: { type: 'string' },
    timeout: { type: 'string' },
    'report-dir': { type: 'string' },
    contract: { type: 'string' },
    baseline: { type: 'string' },
    'update-baseline': { type: 'boolean' },
    'list-checks': { type: 'boolean' },
    recordings: { type: 'string' },
    schemas: { type: 'string' },
    sessions: { type: 'string' },
    seed: { type: 'string' },
    fault: { type: 'string' },
    'pagination-budget': { type: 'string' },
    'pagination-runs': { type: 'string' },
    'page-size-policy': { type: 'string' },
    'no-pagination': { type: 'boolean' },
    deadline: { type: 'string' },
    'max-body': { type: 'string' },
    retries: { type: 'string' },
  });
  if (flags['list-checks']) {
    for (const c of [...CHECKS, ...PAGINATION_PROPERTIES]) console.log(`${c.id.padEnd(32)} ${c.description}`);
    return 0;
  }
  const target = (flags.target ?? 'recorded') as TargetKind;
  if (!TARGETS.includes(target))
    throw new UsageError(`--target: expected ${TARGETS.join('|')}, got "${flags.target}"`);
  const mode = (flags.contract ?? 'both') as ContractMode;
  if (!CONTRACT_MODES.includes(mode))
    throw new UsageError(`--contract: expected ${CONTRACT_MODES.join('|')}, got "${flags.contract}"`);
  const budget = intFlag(flags.budget, '--budget');
  const deadlineSeconds = intFlag(flags.deadline, '--deadline');
  const maxBodyBytes = intFlag(flags['max-body'], '--max-body');
  const retries = intFlag(flags.retries, '--retries', 0);
  const timeoutMs = intFlag(flags.timeout, '--timeout');
  const only = flags.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const checks = selectChecks(only);
  const onlyProperties = only?.filter((id) => PAGINATION_PROPERTIES.some((p) => p.id === id));
  const policy = (flags['page-size-policy'] ?? 'reject') as PageSizePolicy;
  if (policy !== 'reject' && policy !== 'clamp')
    throw new UsageError(`--page-size-policy: expected reject|clamp, got "${policy}"`);
  const paginationBudget = intFlag(flags['pagination-budget'], '--pagination-budget');
  const paginationRuns = intFlag(flags['pagination-runs'], '--pagination-runs');
  const seed = intFlag(flags.seed, '--seed');
  const reportDir = resolve(flags['report-dir'] ?? join(PROJECT_ROOT, 'reports'));
  const baselineFile = resolve(flags.baseline ?? join(PROJECT_ROOT, 'suites/baseline.json'));
  const baseline = loadBaseline(baselineFile);
  const contract = Contract.load(resolve(flags.schemas ?? join(PROJECT_ROOT, 'schemas')), mode);
  const targets = await prepareTargets({
    target,
    baseUrl: flags['base-url'],
    budget,
    timeoutMs,
    ...(retries !== undefined ? { maxRetries: retries } : {}),
    ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
    // The clock starts now: set-up (a local provider) counts against the deadline too.
    ...(deadlineSeconds !== undefined ? { deadline: Date.now() + deadlineSeconds * 1000 } : {}),
    recordingsDir: resolve(flags.recordings ?? join(PROJECT_ROOT, 'suites/recordings')),
    sessions: intFlag(flags.sessions, '--sessions'),
    seed,
    fault: flags.fault,
  });

  const startedAt = new Date().toISOString();
  const started = performance.now();
  const runs: RunResult[] = [];
  for (const t of targets) {
    console.log(`▶ ${t.transport.target} (${t.transport.baseUrl}), contract: ${mode}`);
    t.open();
    const wantsProperties = !flags['no-pagination'] && (!only?.length || (onlyProperties?.length ?? 0) > 0);
    const propertyTransport = wantsProperties
      ? t.transport.withBudget(
          paginationBudget ?? (t.provider ? Number.POSITIVE_INFINITY : DEFAULT_PAGINATION_BUDGET),
        )
      : undefined;
    try {
      runs.push(
        await runConformance(t.transport, contract, checks, {
          sessionId: process.env.TWILIO_SESSION_ID || undefined,
          ...(propertyTransport
            ? {
                pagination: {
                  context: {
                    transport: propertyTransport,
                    // Live runs are sized to their budget; each run walks a few pages.
                    numRuns:
                      paginationRuns ??
                      (t.provider ? 30 : Math.max(3, Math.floor(propertyTransport.budget / 40))),
                    pageSizePolicy: policy,
                    ...(t.provider ? { setSessionCount: t.provider.setSessionCount } : {}),
                    ...(seed !== undefined ? { seed } : {}),
                  },
                  ...(onlyProperties?.length ? { only: onlyProperties } : {}),
                },
              }
            : {}),
          onCheck: (check, results) => {
            const mark = results.some((r) => r.outcome === 'failed')
              ? '✖'
              : results.every((r) => r.outcome === 'not-run')
                ? '–'
                : '✔';
            const n = results.reduce((k, r) => k + r.findings.length, 0);
            console.log(`  ${mark} ${check.id}${n ? ` (${n} findings)` : ''}`);
          },
        }),
      );
    } finally {
      await t.close();
    }
    console.log(
      `  ${t.transport.requestsSent} requests${Number.isFinite(t.transport.budget) ? ` of a budget of ${t.transport.budget}` : ''}`,
    );
    if (propertyTransport) {
      const b = propertyTransport.budget;
      console.log(
        `  pagination properties: ${runs.at(-1)?.paginationRequests ?? 0} requests${Number.isFinite(b) ? ` of a budget of ${b}` : ''}`,
      );
    }
  }
  const all: Finding[] = runs.flatMap((r) => r.findings);
  const { findings, stale, expired } = applyBaseline(all, baseline);
  const version = (
    JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }
  ).version;
  const report = buildReport(runs, findings, {
    contract: mode,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    version,
    baselineFile,
    stale,
    expired,
    drift: runs.map((r) => observedDrift(r.target, r.observations, contract)),
    observed: observedSummary(runs, contract),
  });
  const written = writeConformanceReports(reportDir, report, runs);

  printSummary(runs, findings);
  for (const e of stale)
    console.log(`stale baseline entry (no longer occurs): ${e.check} ${e.target ?? ''} ${e.pointer ?? ''}`);
  for (const e of expired)
    console.log(`expired baseline entry (counts again): ${e.check} ${e.target ?? ''} ${e.pointer ?? ''}`);
  if (flags['update-baseline']) {
    writeFileAtomic(baselineFile, stableJson(updatedBaseline(all, baseline)));
    console.log(`baseline written to ${baselineFile}: review each reason before committing`);
  }
  console.log(`reports: ${written.join(', ')}`);
  const blocking = findings.filter(isBlocking).length;
  console.log(blocking ? `FAILED: ${blocking} blocking error(s)` : 'PASSED: no blocking error');
  return blocking ? 1 : 0;
});

/** Everything every run saw, as one inferred schema (what `drift --from conformance.json` reads). */
function observedSummary(runs: readonly RunResult[], contract: Contract) {
  const model = observedModel(
    'observed',
    runs.flatMap((r) => r.observations),
    contract,
  );
  const meta = model.set.schemas.list?.properties?.meta;
  return { resource: model.set.schemas.resource, ...(meta ? { meta } : {}), statuses: model.statuses ?? {} };
}

function printSummary(runs: readonly RunResult[], findings: readonly Finding[]): void {
  console.log('\ntarget                         check                          passed failed not-run');
  for (const run of runs) {
    const checks = [...new Set(run.results.map((r) => r.check))];
    for (const check of checks) {
      const rs = run.results.filter((r) => r.check === check);
      const count = (o: string) => String(rs.filter((r) => r.outcome === o).length).padStart(6);
      console.log(
        `${run.target.padEnd(30)} ${check.padEnd(30)} ${count('passed')} ${count('failed')} ${count('not-run')}`,
      );
    }
  }
  const shown = [...findings].filter((f) => f.severity !== 'info').sort(bySeverity);
  if (shown.length) console.log('\nfindings:');
  for (const f of shown) {
    const tag = f.accepted ? (f.accepted.expired ? ' [baseline EXPIRED]' : ' [accepted]') : '';
    console.log(`  ${f.target ?? ''} ${findingLine(f)}${tag}`);
  }
}
