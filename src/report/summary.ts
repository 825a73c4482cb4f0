// The run summary a person reads in a terminal.

import { bySeverity, type Finding } from '../finding';
import type { RunResult } from '../run/run';
import { findingLine } from './findings-markdown';

/** The terminal's summary of a run: a rule × outcome count per target, then every finding above info. */
export function runSummary(runs: readonly RunResult[], findings: readonly Finding[]): string {
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  log(`\n${'target'.padEnd(30)} ${'rule'.padEnd(40)} passed failed not-run`);
  for (const run of runs) {
    for (const rule of [...new Set(run.results.map((r) => r.rule))]) {
      const rs = run.results.filter((r) => r.rule === rule);
      const count = (o: string) => String(rs.filter((r) => r.outcome === o).length).padStart(6);
      log(
        `${run.target.padEnd(30)} ${rule.padEnd(40)} ${count('passed')} ${count('failed')} ${count('not-run')}`,
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
