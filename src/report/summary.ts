// The run summary a person reads in a terminal.

import { bySeverity, type Finding, isBlocking } from '../finding';
import type { RunResult } from '../run/run';
import { findingLine } from './findings-markdown';

/** The terminal's summary of a run: a rule × outcome count per target, then every finding above info. */
export function runSummary(runs: readonly RunResult[], findings: readonly Finding[]): string {
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  log(`\n${'target'.padEnd(30)} ${'rule'.padEnd(40)} passed failed accepted not-run`);
  const blocking = new Set(
    findings.filter(isBlocking).map((f) => `${f.target}\u0000${f.rule}\u0000${f.operation}`),
  );
  for (const run of runs) {
    for (const rule of [...new Set(run.results.map((r) => r.rule))]) {
      const rs = run.results.filter((r) => r.rule === rule);
      // A failure every finding of which the baseline accepts is counted apart: it does not fail the run.
      const failed = rs.filter(
        (r) => r.outcome === 'failed' && blocking.has(`${run.target}\u0000${r.rule}\u0000${r.operation}`),
      ).length;
      const accepted = rs.filter((r) => r.outcome === 'failed').length - failed;
      const count = (n: number, w = 6) => String(n).padStart(w);
      log(
        `${run.target.padEnd(30)} ${rule.padEnd(40)} ${count(rs.filter((r) => r.outcome === 'passed').length)} ${count(failed)} ${count(accepted, 8)} ${count(rs.filter((r) => r.outcome === 'not-run').length, 7)}`,
      );
    }
  }
  const shown = [...findings].filter((f) => f.severity !== 'info').sort(bySeverity);
  if (shown.length) log('\nfindings:');
  for (const f of shown) {
    const tag = f.accepted ? (f.accepted.expired ? ' [baseline EXPIRED]' : ' [accepted]') : '';
    log(`  ${f.target ?? ''} ${findingLine(f)}${tag}`);
  }
  return lines.join('\n');
}
