// JUnit XML: one test case per target × rule × operation, so CI shows each. Accepted findings
// pass with their reason in system-out; rules that could not run are skipped with why; a read of
// the spec the model cannot hold is a skipped case of its own, with why.

import { isBlocking } from '../finding';
import type { RunResult } from '../run/run';
import { type ConformanceReport, findingsIndex } from './conformance-report';

export function junitXml(report: ConformanceReport, runs: readonly RunResult[]): string {
  const of = findingsIndex(report.findings);
  const suites = runs.map((run) => {
    const cases = run.results.map((r) => {
      const findings = of(run.target, r.rule, r.operation);
      const blocking = findings.filter(isBlocking);
      const notes = findings
        .filter((f) => !isBlocking(f))
        .map((f) => `${f.severity}${f.accepted ? ` (accepted: ${f.accepted.reason})` : ''}: ${f.message}`);
      let body = '';
      if (r.outcome === 'not-run') body = `<skipped message="${esc(r.reason ?? 'not run')}"/>`;
      else if (blocking.length) {
        body = `<failure message="${esc(blocking[0]?.message ?? '')}" type="${esc(r.rule)}">${esc(blocking.map((f) => `${f.request?.method ?? ''} ${f.request?.url ?? ''}\n${f.message}`).join('\n\n'))}</failure>`;
      }
      if (notes.length) body += `<system-out>${esc(notes.join('\n'))}</system-out>`;
      return `    <testcase classname="${esc(`${run.target}.${r.rule}`)}" name="${esc(r.operation)}">${body}</testcase>`;
    });
    const failures = run.results.filter((r) => of(run.target, r.rule, r.operation).some(isBlocking)).length;
    const skipped = run.results.filter((r) => r.outcome === 'not-run').length;
    return `  <testsuite name="conformance ${esc(run.target)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" time="${(run.durationMs / 1000).toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="conformance">\n${[...suites, ...notModelled(report)].join('\n')}\n</testsuites>\n`;
}

/** The spec's reads no rule can judge (no JSON body documented), each a skipped case with why: in the count, not gone. */
function notModelled(report: ConformanceReport): string[] {
  const reads = report.coverage.notModelled ?? [];
  if (!reads.length) return [];
  const cases = reads.map(
    (u) =>
      `    <testcase classname="coverage.not-modelled" name="${esc(u.operation)}"><skipped message="${esc(u.reason)}"/></testcase>`,
  );
  return [
    `  <testsuite name="not modelled" tests="${cases.length}" failures="0" skipped="${cases.length}" time="0">\n${cases.join('\n')}\n  </testsuite>`,
  ];
}

// XML 1.0 forbids most control characters even when escaped, U+FFFE/U+FFFF and lone surrogates;
// they are dropped, so the file is well-formed whatever a provider sent.
export const XML_FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function esc(s: string): string {
  return String(s)
    .replace(XML_FORBIDDEN, '')
    .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
