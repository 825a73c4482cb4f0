// What a person reads in a terminal after a run: per rule one line, its counts over every target
// (operations judged and not run, errors that fail the run, errors the baseline accepts, warnings),
// and with --verbose the rule × target table and every finding above info.

import { bySeverity, type Finding, isBlocking } from '../finding';
import type { RuleResult, RunResult } from '../run/run';
import { findingLine } from './findings-markdown';
import type { Finished } from './finish';

/** One rule over every target: operations (or units: the write lifecycle) judged, not run, and what failed. */
export interface RuleCount {
  rule: string;
  /** Operations the rule applies to, judged on some target, and judged nowhere (with the first reason). */
  total: number;
  judged: number;
  notRunReason?: string;
  /** Findings: errors that fail the run, errors the baseline accepts, warnings. */
  blocking: number;
  accepted: number;
  warnings: number;
}

export function ruleCounts(
  runs: ReadonlyArray<Pick<RunResult, 'results'>>,
  findings: readonly Finding[],
  /** What fails the run (as a run goes, before the baseline marks what it accepts). */
  blocks: (f: Finding) => boolean = isBlocking,
): RuleCount[] {
  const byRule = new Map<string, RuleResult[]>();
  for (const run of runs) for (const r of run.results) byRule.set(r.rule, [...(byRule.get(r.rule) ?? []), r]);
  const found = new Map<string, Finding[]>();
  for (const f of findings) found.set(f.rule, [...(found.get(f.rule) ?? []), f]);
  return [...byRule].map(([rule, results]) => {
    const operations = new Set(results.map((r) => r.operation));
    const judged = new Set(results.filter((r) => r.outcome !== 'not-run').map((r) => r.operation));
    const fs = found.get(rule) ?? [];
    const errors = fs.filter((f) => f.severity === 'error');
    return {
      rule,
      total: operations.size,
      judged: judged.size,
      ...(judged.size < operations.size
        ? { notRunReason: results.find((r) => r.outcome === 'not-run' && !judged.has(r.operation))?.reason }
        : {}),
      blocking: errors.filter(blocks).length,
      accepted: errors.filter((f) => !blocks(f)).length,
      warnings: fs.filter((f) => f.severity === 'warning').length,
    };
  });
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** ✖ a rule with an error that fails the run; ✔ one that judged something and has none; – one that judged nothing. */
export function ruleLine(c: RuleCount): string {
  const mark = c.blocking ? '✖' : c.judged ? '✔' : '–';
  const notes = [
    ...(c.blocking ? [plural(c.blocking, 'error')] : []),
    ...(c.accepted ? [`${plural(c.accepted, 'error')} accepted by the baseline`] : []),
    ...(c.warnings ? [plural(c.warnings, 'warning')] : []),
  ];
  const why = (c.notRunReason ?? 'nothing to judge').replace(/^not run: /, '');
  // Partly judged: how many not, and the first reason (a person asks why before opening the report).
  const counts =
    c.judged === 0
      ? `not run (${why})`
      : `${c.judged}/${c.total} judged${c.judged < c.total ? `, ${c.total - c.judged} not run (${why})` : ''}`;
  return `  ${mark} ${c.rule.padEnd(40)} ${counts}${notes.length ? ` · ${notes.join(', ')}` : ''}`;
}

/** --verbose: the rule × outcome count per target, then every finding above info. */
export function verboseSummary(runs: readonly RunResult[], findings: readonly Finding[]): string[] {
  const lines = [`${'target'.padEnd(30)} ${'rule'.padEnd(40)} passed failed accepted not-run`];
  const blocking = new Set(
    findings.filter(isBlocking).map((f) => `${f.target}\u0000${f.rule}\u0000${f.operation}`),
  );
  const count = (n: number, w = 6) => String(n).padStart(w);
  for (const run of runs) {
    for (const rule of [...new Set(run.results.map((r) => r.rule))]) {
      const rs = run.results.filter((r) => r.rule === rule);
      // A failure every finding of which the baseline accepts is counted apart: it does not fail the run.
      const failed = rs.filter(
        (r) => r.outcome === 'failed' && blocking.has(`${run.target}\u0000${r.rule}\u0000${r.operation}`),
      ).length;
      const accepted = rs.filter((r) => r.outcome === 'failed').length - failed;
      const passed = rs.filter((r) => r.outcome === 'passed').length;
      const notRun = rs.filter((r) => r.outcome === 'not-run').length;
      lines.push(
        `${run.target.padEnd(30)} ${rule.padEnd(40)} ${count(passed)} ${count(failed)} ${count(accepted, 8)} ${count(notRun, 7)}`,
      );
    }
  }
  const shown = findings.filter((f) => f.severity !== 'info').sort(bySeverity);
  if (shown.length) lines.push('findings:');
  for (const f of shown) lines.push(`  ${f.target ?? ''} ${findingLine(f)}${acceptedTag(f)}`);
  return lines;
}

const acceptedTag = (f: Finding): string =>
  f.accepted ? (f.accepted.expired ? ' [baseline EXPIRED]' : ' [accepted]') : '';

/** The errors that fail the run, one line each, at most `max` (the reports hold the rest). */
export function blockingLines(findings: readonly Finding[], max = 20): string[] {
  const blocking = findings.filter(isBlocking).sort(bySeverity);
  return [
    ...blocking.slice(0, max).map((f) => `  ${f.target ?? ''} ${findingLine(f)}${acceptedTag(f)}`),
    ...(blocking.length > max ? [`  … and ${blocking.length - max} more in the reports`] : []),
  ];
}

/**
 * The line printed before a run's first write: where its journal is and, on an account that outlives
 * the run, the command that finishes its work should the run be killed. The reference provider ends
 * with the run: no command could reach it, and there is nothing left to clean up.
 */
export const journalLine = (file: string, cleanupCommand: string, providerEnds: boolean): string =>
  providerEnds
    ? `  writes journalled in ${file}; the reference provider ends with the run: nothing is left to clean up`
    : `  writes journalled in ${file}; should the run be killed: ${cleanupCommand}`;

/** "18 of ListPolicies, 5 of ListSessions": what these runs made that no operation removes, summed per list. */
function unremovable(runs: readonly RunResult[]): string {
  const counts: Record<string, number> = {};
  for (const r of runs)
    for (const [list, n] of Object.entries(r.unremovable ?? {})) counts[list] = (counts[list] ?? 0) + n;
  return Object.entries(counts)
    .map(([list, n]) => `${n} of ${list}`)
    .join(', ');
}

/**
 * What the runs made that no operation removes, said once: it stays on the account. Made on a
 * reference provider (`ended`: it ended with the run), it stays nowhere, and is said apart.
 */
function leftOnAccount(runs: readonly RunResult[], ended: ReadonlySet<string>): string[] {
  const left = unremovable(runs.filter((r) => !ended.has(r.target)));
  const gone = unremovable(runs.filter((r) => ended.has(r.target)));
  return [
    ...(left
      ? [
          `left on the account, as no operation removes them: up to ${left} (made by the run; what the API keeps of them stays)`,
        ]
      : []),
    ...(gone
      ? [
          `made by the run and removed by no operation: up to ${gone} (on the reference provider, which ended with the run; on a real account they stay)`,
        ]
      : []),
  ];
}

/**
 * Everything after a run, in order: the verdict; per rule one line; the errors that fail the run;
 * the operations not judged; the baseline's notes; the requests, the reports, the replay command;
 * the verdict again. `verbose` adds each target's requests, the rule × target table and every finding.
 */
export function runReport(
  runs: readonly RunResult[],
  done: Pick<Finished, 'report' | 'findings' | 'written' | 'stale' | 'expired' | 'passed'>,
  o: {
    verbose: boolean;
    replay: string;
    baselineWritten?: string;
    /** The targets whose reference provider ended with the run: nothing of theirs stays anywhere. */
    ended?: ReadonlySet<string>;
  },
): string[] {
  const [verdict = '', ...details] = done.report.verdict.lines;
  const total = (n: (r: RunResult) => number | undefined) => runs.reduce((a, r) => a + (n(r) ?? 0), 0);
  const writes = runs.some((r) => r.writeRequests !== undefined);
  return [
    ...(o.verbose
      ? [
          ...runs.map(
            (r) =>
              `  ${r.target}: ${r.requests} requests for the checks, ${r.paginationRequests} for the pagination properties${r.writeRequests !== undefined ? `, ${r.writeRequests} for the writes` : ''}`,
          ),
          ...verboseSummary(runs, done.findings),
        ]
      : []),
    verdict,
    ...ruleCounts(runs, done.findings).map(ruleLine),
    ...blockingLines(done.findings, done.report.verdict.status === 'unavailable' ? 3 : 20),
    ...details,
    ...done.stale.map(
      (e) => `stale baseline entry (no longer occurs): ${e.rule} ${e.target ?? ''} ${e.pointer ?? ''}`,
    ),
    ...done.expired.map(
      (e) => `expired baseline entry (counts again): ${e.rule} ${e.target ?? ''} ${e.pointer ?? ''}`,
    ),
    ...(o.baselineWritten
      ? [`baseline written to ${o.baselineWritten}: review each reason before committing`]
      : []),
    `requests: ${total((r) => r.requests)} for the checks, ${total((r) => r.paginationRequests)} for the pagination properties${writes ? `, ${total((r) => r.writeRequests)} for the writes` : ''}${runs.length > 1 ? ` (${runs.length} targets)` : ''}`,
    ...leftOnAccount(runs, o.ended ?? new Set()),
    `reports: ${done.written.join(', ')}`,
    ...(done.passed ? [] : [`replay: ${o.replay}`]),
    verdict,
  ];
}
