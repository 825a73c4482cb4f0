// After a run: the baseline applied (for the targets the run evaluated only), the live drift of
// what each target showed against the resolved contract, and the three reports written together.

import { join } from 'node:path';
import { observationsOf, observedDrift, type TrafficDigest } from '../drift/observed';
import type { Finding } from '../finding';
import { isBlocking } from '../finding';
import { applyBaseline, type BaselineEntry, type Judged, updatedBaseline } from '../findings/baseline';
import { stableJson, writeFileAtomic, writeFilesAtomic } from '../fs-atomic';
import { type Coverage, coverageOf, judgedLine, operationsJudged, unjudgedLine } from '../run/coverage';
import { NOT_SENT } from '../run/reach';
import type { RunResult } from '../run/run';
import type { Contract } from '../schemas/contract';
import { toolPackage } from '../sources/paths';
import { buildReport, type ConformanceReport, findingsIndex, type Verdict } from './conformance-report';
import { conformanceHtml } from './html';
import { junitXml } from './junit';

export interface FinishOptions {
  contract: Contract;
  baselineFile: string;
  baseline: readonly BaselineEntry[];
  reportDir: string;
  startedAt: string;
  durationMs: number;
  concurrency: number;
  /** Rewrite the baseline from this run's errors (entries of other targets are kept verbatim). */
  updateBaseline?: boolean;
  /** Extra findings not tied to a target run (e.g. triangulation of the sources). */
  extra?: Finding[];
  /** The rules the run selected (all when absent): a narrowed run judges, and rewrites, only those. */
  rules?: ReadonlySet<string>;
  /** Operation ids the run was narrowed to (--resource); all when absent. */
  operations?: readonly string[];
  /** Pass a run that left operations unjudged (--allow-unjudged); by default it fails. */
  allowUnjudged?: boolean;
  /** The run's seed (recorded in every report) and the command that replays it, set on each run finding. */
  seed?: number;
  replay?: string;
  /** A local run: the command that starts a provider as the run's was. */
  provider?: string;
  /** The runs' traffic, digested as each ended (their bodies let go): else read from the runs here. */
  traffic?: TrafficDigest;
}

export interface Finished {
  report: ConformanceReport;
  findings: Finding[];
  written: string[];
  stale: BaselineEntry[];
  expired: BaselineEntry[];
  blocking: number;
  coverage: Coverage;
  /** The verdict: no blocking error and, unless allowed, no operation left unjudged. */
  passed: boolean;
}

/** What the runs judged, target by target: rule × operation pairs and operations (for the baseline). */
function judgedOf(runs: readonly RunResult[], rules: ReadonlySet<string> | undefined): Judged {
  const pairs = new Set<string>();
  const operations = new Set<string>();
  for (const run of runs)
    for (const r of run.results)
      if (r.outcome !== 'not-run') {
        pairs.add(`${run.target}\u0000${r.rule}\u0000${r.operation}`);
        operations.add(`${run.target}\u0000${r.operation}`);
      }
  return { targets: new Set(runs.map((r) => r.target)), pairs, operations, ...(rules ? { rules } : {}) };
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * The verdict, its first line the one a person reads first and last: PASSED, FAILED or UNAVAILABLE
 * with what decided it and how many operations were judged; then, unless it was an outage (nothing
 * to name items for), the operations no rule could judge and what would judge them.
 */
export function verdictOf(
  findings: readonly Finding[],
  coverage: Coverage,
  allowUnjudged: boolean,
  /** The rules the run was narrowed to (--only): said when they judged no operation. */
  rules?: ReadonlySet<string>,
): Verdict {
  const blockers = findings.filter(isBlocking);
  // A run that judged no operation is not green: a spec of writes alone read with --read-only, or
  // one whose every write a run never sends (its cleanup, judged, is the run's own, no operation).
  const nothing = operationsJudged(coverage) === 0;
  const unjudgedFails = (coverage.unjudged.length > 0 || nothing) && !allowUnjudged;
  const passed = blockers.length === 0 && !unjudgedFails;
  // An outage is not a broken contract: it outranks operations not judged (they could not be).
  const outage = blockers.length > 0 && blockers.every((f) => f.category !== 'contract');
  const status = passed ? 'passed' : outage ? 'unavailable' : 'failed';
  const accepted = findings.filter((f) => f.severity === 'error' && !isBlocking(f)).length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const notes = [
    ...(accepted ? [`${count(accepted, 'error')} accepted by the baseline`] : []),
    ...(warnings ? [count(warnings, 'warning')] : []),
  ];
  const judged = judgedLine(coverage);
  const none = rules
    ? `NOT JUDGED: the run judged no operation (the rules it was narrowed to, ${[...rules].join(', ')}, judge none)`
    : 'NOT JUDGED: the run judged no operation (none it may send)';
  const headline =
    status === 'passed'
      ? `PASSED: ${judged}${coverage.unjudged.length || nothing ? ' (--allow-unjudged)' : ''}, no blocking error${notes.length ? ` (${notes.join(', ')})` : ''}`
      : status === 'unavailable'
        ? `UNAVAILABLE: ${blockers.length} blocking error(s), every one a network or provider error (${blockers[0]?.message.slice(0, 160)}): retry later (exit 3)`
        : blockers.length
          ? `FAILED: ${blockers.length} blocking error(s); ${judged}`
          : nothing && !coverage.unjudged.length
            ? `FAILED: ${none}`
            : `FAILED: ${judged}, no blocking error (--allow-unjudged passes such a run)`;
  const why = coverage.unjudged.length ? unjudgedLine(coverage) : nothing ? none : undefined;
  const unjudged = why ? [`${unjudgedFails ? '' : '(allowed) '}${why}`] : [];
  const apart = [
    ...namedApart(
      'write(s) a run never sends',
      'NOT SENT',
      (coverage.notSent ?? []).map((u) => ({ ...u, reason: u.reason.slice(NOT_SENT.length) })),
    ),
    ...namedApart('read(s) of the spec no rule can judge', 'NOT MODELLED', coverage.notModelled ?? []),
  ];
  // A run that judged no operation still says which writes it never sends, which reads are not
  // modelled, and why.
  const detail =
    status === 'unavailable' ? [] : [...(headline.includes('NOT JUDGED') ? [] : unjudged), ...apart];
  return { passed, status, lines: [headline, ...detail] };
}

/**
 * Operations counted apart from the judged ones (writes a run never sends, reads of the spec the
 * model cannot hold): a heading, then one indented line per operation and why; none when empty.
 */
function namedApart(what: string, label: string, ops: ReadonlyArray<{ operation: string; reason: string }>) {
  if (ops.length === 0) return [];
  return [`${label}: ${ops.length} ${what}:`, ...ops.map((u) => `  ${u.operation}: ${u.reason}`)];
}

export function finishRun(runs: readonly RunResult[], o: FinishOptions): Finished {
  const drift = o.traffic?.drift() ?? runs.map((r) => observedDrift(r.target, r.observations, o.contract));
  // Every finding of a run (its rules' and its traffic's drift) carries the command that replays it.
  const replayed = (fs: readonly Finding[]): Finding[] =>
    o.replay ? fs.map((f) => ({ ...f, replay: o.replay as string })) : [...fs];
  const all: Finding[] = [
    ...runs.flatMap((r) => replayed(r.findings)),
    ...drift.flatMap((d) => replayed(d.findings)),
    ...(o.extra ?? []),
  ];
  const judged = judgedOf(runs, o.rules);
  const { findings, stale, expired } = applyBaseline(all, o.baseline, judged);
  const unmodelled = (o.contract.model.unmodelled ?? []).filter(
    (u) => !o.operations || o.operations.includes(u.id),
  );
  const coverage = coverageOf(runs, o.contract.operations, unmodelled);
  const blocking = findings.filter(isBlocking).length;
  const verdict = verdictOf(findings, coverage, o.allowUnjudged === true, o.rules);
  const byTarget = findingsIndex(findings);
  const report = buildReport(runs, findings, {
    coverage,
    verdict,
    contract: o.contract.mode,
    api: o.contract.model.api,
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.replay ? { replay: o.replay } : {}),
    ...(o.provider ? { provider: o.provider } : {}),
    startedAt: o.startedAt,
    durationMs: o.durationMs,
    tool: toolPackage(),
    baselineFile: o.baselineFile,
    stale,
    expired,
    // Each target's drift as the baseline left it (accepted or not), read back by rule kind and target.
    // (Looked up by target through one index: a thousand targets stay linear.)
    drift: drift.map((d) => ({
      ...d,
      findings: byTarget(d.target).filter((f) => f.rule.startsWith('drift.')),
    })),
    observed: o.traffic?.observed() ?? observationsOf(runs.flatMap((r) => r.observations)),
    concurrency: o.concurrency,
  });
  const written = writeConformanceReports(o.reportDir, report, runs);
  if (o.updateBaseline) writeFileAtomic(o.baselineFile, stableJson(updatedBaseline(all, o.baseline, judged)));
  return {
    report,
    findings,
    written,
    stale,
    expired,
    blocking,
    coverage,
    passed: verdict.passed,
  };
}

/** The reports of a run, written together or not at all: JSON, JUnit XML, HTML and the drift. */
function writeConformanceReports(
  dir: string,
  report: ConformanceReport,
  runs: readonly RunResult[],
): string[] {
  const files = [
    { path: join(dir, 'conformance.json'), data: stableJson(report) },
    { path: join(dir, 'junit.xml'), data: junitXml(report, runs) },
    { path: join(dir, 'conformance.html'), data: conformanceHtml(report, runs) },
    { path: join(dir, 'drift.json'), data: stableJson(report.drift) },
  ];
  writeFilesAtomic(files);
  return files.map((f) => f.path);
}
