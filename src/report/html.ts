// conformance.html: a page a person reads, verdict first. A green, red or amber banner with the
// counts and the seed; the blocking failures as a list, each with its replay command; then one
// compact rules × operations grid per target (a coloured cell each, its name on hover, operations
// numbered in a legend) that fits a 1280 px window; then the findings, info and not-run collapsed;
// then the drift the traffic showed.

import { levelOf } from '../drift/table';
import { type Finding, isBlocking } from '../finding';
import { curlFor } from '../rules/curl';
import { judgedLine } from '../run/coverage';
import type { RuleResult, RunResult } from '../run/run';
import { type ConformanceReport, findingsIndex } from './conformance-report';
import { esc } from './junit';

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem auto;color:#1d2230;max-width:1220px;padding:0 1rem}
h1{font-size:1.4rem;margin:.2rem 0}h2{margin-top:1.6rem;border-bottom:1px solid #dde;font-size:1.15rem}h3{font-size:1rem}
.banner{border-radius:8px;padding:.8rem 1.2rem;color:#fff}.banner b{font-size:1.5rem;margin-right:1rem}
.banner.passed{background:#1e7b34}.banner.failed{background:#b00020}.banner.unavailable{background:#a35a00}
.banner span{display:inline-block;margin-right:1.2rem}.banner code{color:#fff;background:rgba(0,0,0,.2);padding:0 .3rem;border-radius:3px}
ol.blocking li{margin:.4rem 0}table{border-collapse:collapse;margin:.5rem 0}
td,th{border:1px solid #dde;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f4f5fa;font-weight:600}
table.grid td{width:18px;height:18px;padding:0}table.grid th.rule{font-family:ui-monospace,monospace;font-size:12px;white-space:nowrap}
table.grid th.op{font-size:11px;text-align:center;padding:0 2px;width:18px}
.passed-c{background:#5cb85c}.failed-c{background:#d9534f}.accepted-c{background:#f0c040}.not-run-c{background:#e4e4e4}.none-c{background:#fff}
.legend span.sw{display:inline-block;width:12px;height:12px;vertical-align:middle;margin:0 .3rem 0 .8rem;border:1px solid #ccd}
ol.ops{columns:3;font-size:12px;font-family:ui-monospace,monospace}
.error{color:#b00020;font-weight:600}.warning{color:#8a5a00;font-weight:600}.info{color:#2a5db0}.accepted{background:#fff6d8}
.cat{background:#eef;border-radius:3px;padding:0 .3rem;font-size:.85em}pre{background:#f6f7fb;padding:.4rem .6rem;overflow-x:auto;margin:.2rem 0;white-space:pre-wrap;word-break:break-all}
details{margin:.3rem 0}summary{cursor:pointer}`;

/** Beyond this many targets the report shows one grid over all of them. */
const MANY_TARGETS = 5;
const MAX_SECTIONS = 20;

const STATUS_WORD = { passed: 'PASSED', failed: 'FAILED', unavailable: 'UNAVAILABLE' } as const;

type FindingsOf = ReturnType<typeof findingsIndex>;
type RunSummaryOf = (target: string) => ConformanceReport['runs'][number] | undefined;

export function conformanceHtml(report: ConformanceReport, runs: readonly RunResult[]): string {
  const status = report.verdict.status;
  const of = findingsIndex(report.findings);
  // Looked up per target, never rescanned: a report of a thousand targets stays linear.
  const summaries = new Map(report.runs.map((r) => [r.target, r]));
  const summaryOf: RunSummaryOf = (target) => summaries.get(target);
  const many = runs.length > MANY_TARGETS;
  const sections = many
    ? manyTargetSections(runs, of, summaryOf)
    : runs.map((run) => targetSection(run, of, summaryOf));
  const stale = report.baseline.stale.length
    ? `<h2>Stale baseline entries</h2><p>These accepted findings no longer occur; remove them from ${esc(report.baseline.file)}.</p><pre>${esc(JSON.stringify(report.baseline.stale, null, 2))}</pre>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${STATUS_WORD[status]} · ${esc(report.api.title)} conformance</title><style>${CSS}</style></head><body>
<h1>${esc(report.api.title)} — conformance</h1>
${banner(report)}
<p>Contract: <b>${esc(report.contract)}</b> · started ${esc(report.startedAt)} · ${report.durationMs} ms · ${esc(report.tool.name)} ${esc(report.tool.version)} on Node ${esc(report.tool.node)}</p>
${blockingFailures(report)}
${sections.join('\n')}${stale}
<h2>Live drift: what the traffic showed against the contract</h2>${driftSection(report, many)}
</body></html>
`;
}

/** The verdict first: status, counts, operations judged, seed, what decided it, the replay command. */
function banner(report: ConformanceReport): string {
  const s = report.summary;
  const status = report.verdict.status;
  // Errors the baseline accepts are counted as accepted, not beside the verdict as errors.
  return `<div class="banner ${status}" role="status"><b>${STATUS_WORD[status]}</b>
<span>${s.blocking} blocking errors</span><span>${s.accepted} accepted by the baseline</span><span>${s.warnings} warnings</span><span>${s.info} info</span>
<span>${esc(judgedLine(report.coverage))}</span>${report.seed !== undefined ? `<span>seed <code>${report.seed}</code></span>` : ''}
<div>${report.verdict.lines.map(esc).join('<br>')}</div></div>
${report.replay ? `<p>Replay this run: <code>${esc(report.replay)}</code></p>` : ''}`;
}

/** The blocking failures as a list, each with how to replay it. */
function blockingFailures(report: ConformanceReport): string {
  const blocking = report.findings.filter(isBlocking);
  return blocking.length
    ? `<h2>Blocking failures (${blocking.length})</h2>${report.replay ? `<p>Each replays with <code>${esc(report.replay)}</code>${report.provider ? `; a single request against a provider started as that run's was: <code>${esc(report.provider)}</code>, then its curl line` : ''}.</p>` : ''}<ol class="blocking">${blocking.map((f) => failureItem(f, report.replay)).join('')}</ol>`
    : '';
}

/** One target: its requests, its grid, its errors and warnings, then info and what did not run, collapsed. */
function targetSection(run: RunResult, of: FindingsOf, summaryOf: RunSummaryOf): string {
  const summary = summaryOf(run.target);
  const findings = of(run.target);
  const shown = findings.filter((f) => f.severity !== 'info');
  const info = findings.filter((f) => f.severity === 'info');
  const notRun = run.results.filter((r) => r.outcome === 'not-run');
  return `<h2>Target ${esc(run.target)}</h2><p>${summary?.requestCount ?? run.observations.length} requests for the checks, ${summary?.paginationRequests ?? 0} for the pagination properties, concurrency ${summary?.concurrency ?? 1}, ${run.durationMs} ms</p>
${grid(
  run.results.map((r) => ({ ...r, target: run.target })),
  of,
)}
<h3>Errors and warnings (${shown.length})</h3>${shown.map(findingBlock).join('') || '<p>None.</p>'}
<details><summary>Info (${info.length})</summary>${info.map(findingBlock).join('') || '<p>None.</p>'}</details>
<details><summary>Not run (${notRun.length} rule × operation pairs)</summary><table><tr><th>rule</th><th>operation</th><th>why</th></tr>${notRun
    .map(
      (r) =>
        `<tr><td><code>${esc(r.rule)}</code></td><td>${esc(r.operation)}</td><td>${esc(r.reason ?? '')}</td></tr>`,
    )
    .join('')}</table></details>`;
}

/**
 * Many targets (a folder of nightly cassettes): one grid over all of them, a line per target, and
 * the full section only for the targets that fail the run (at most MAX_SECTIONS).
 */
function manyTargetSections(runs: readonly RunResult[], of: FindingsOf, summaryOf: RunSummaryOf): string[] {
  const failing = runs.filter((r) => of(r.target).some(isBlocking));
  const failingSet = new Set(failing);
  const row = (run: RunResult) => {
    const fs = of(run.target);
    const n = (p: (f: Finding) => boolean) => fs.filter(p).length;
    return `<tr><td>${esc(run.target)}</td><td>${n(isBlocking)}</td><td>${n((f) => f.severity === 'error')}</td><td>${n((f) => f.severity === 'warning')}</td><td>${summaryOf(run.target)?.requestCount ?? ''}</td></tr>`;
  };
  return [
    `<h2>All ${runs.length} targets</h2>${grid(
      runs.flatMap((run) => run.results.map((r) => ({ ...r, target: run.target }))),
      of,
    )}
<details${failing.length ? ' open' : ''}><summary>Targets (${failing.length} failing)</summary><table><tr><th>target</th><th>blocking</th><th>errors</th><th>warnings</th><th>requests</th></tr>${[
      ...failing,
      ...runs.filter((r) => !failingSet.has(r)),
    ]
      .map(row)
      .join('')}</table></details>`,
    ...failing.slice(0, MAX_SECTIONS).map((run) => targetSection(run, of, summaryOf)),
    failing.length > MAX_SECTIONS
      ? `<p>${failing.length - MAX_SECTIONS} more failing target(s): their findings are in conformance.json and junit.xml.</p>`
      : '',
  ];
}

/** The drift each target's traffic showed; with many targets, those with a breaking change (at most MAX_SECTIONS), the rest counted. */
function driftSection(report: ConformanceReport, many: boolean): string {
  const shown = many
    ? report.drift.filter((d) => d.findings.some((c) => levelOf(c) === 'breaking')).slice(0, MAX_SECTIONS)
    : report.drift;
  const rest = report.drift.length - shown.length;
  return `${shown.map(targetDrift).join('')}${rest ? `<p>${rest} more target(s) not shown here${many ? ` (no breaking drift, or beyond the first ${MAX_SECTIONS})` : ''}: see drift.json.</p>` : ''}${report.drift.length ? '' : '<p>No traffic observed.</p>'}`;
}

function targetDrift(d: ConformanceReport['drift'][number]): string {
  const breaking = d.findings.filter((c) => levelOf(c) === 'breaking').length;
  const rows = d.findings.map(
    (c) =>
      `<tr><td class="${levelOf(c) === 'breaking' ? 'failed-c' : levelOf(c) === 'info' ? 'not-run-c' : 'passed-c'}">${esc(levelOf(c))}</td><td>${esc(c.operation)}</td><td><code>${esc(c.pointer ?? '')}</code></td><td><code>${esc(c.rule)}</code></td><td>${esc(c.message)}</td></tr>`,
  );
  const ops = d.operations
    .map(
      (o) =>
        `<tr><td>${esc(o.operation)}</td><td>${o.objects}</td><td>${o.undocumented.map((f) => `<code>${esc(f)}</code>`).join(', ') || 'none'}</td><td>${o.neverSeen.map((f) => `<code>${esc(f)}</code>`).join(', ') || 'none'}</td><td>${esc(o.statuses.join(', '))}</td></tr>`,
    )
    .join('');
  return `<details${breaking ? ' open' : ''}><summary>${esc(d.target)}: ${breaking} breaking, ${d.findings.length - breaking} other change(s)</summary>
<table><tr><th>operation</th><th>items seen</th><th>undocumented fields</th><th>documented, never seen</th><th>statuses</th></tr>${ops}</table>
${rows.length ? `<table><tr><th>class</th><th>operation</th><th>where</th><th>rule</th><th>why</th></tr>${rows.join('')}</table>` : '<p>No drift against the resolved contract.</p>'}</details>`;
}

/**
 * One compact grid: a row per rule, a numbered column per operation, a coloured cell each. Over
 * several targets a cell is the worst outcome: failed anywhere, else accepted, else passed, else not run.
 */
function grid(
  results: ReadonlyArray<RuleResult & { target: string }>,
  of: ReturnType<typeof findingsIndex>,
): string {
  const cellOf = new Map<string, Array<RuleResult & { target: string }>>();
  for (const r of results) {
    const key = `${r.rule}\u0000${r.operation}`;
    const list = cellOf.get(key);
    if (list) list.push(r);
    else cellOf.set(key, [r]);
  }
  const ops = [...new Set(results.map((r) => r.operation))];
  const rules = [...new Set(results.map((r) => r.rule))];
  const RANK = { failed: 0, accepted: 1, passed: 2, 'not-run': 3 } as const;
  const rows = rules.map((rule) => {
    const cells = ops.map((op, i) => {
      const rs = cellOf.get(`${rule}\u0000${op}`);
      if (!rs) return `<td class="none-c" title="${esc(`${rule} · ${i + 1} ${op}: does not apply`)}"></td>`;
      const outcomes = rs.map((r) =>
        r.outcome === 'failed' && !of(r.target, rule, op).some(isBlocking)
          ? ('accepted' as const)
          : r.outcome,
      );
      const cls = outcomes.reduce((a, b) => (RANK[b] < RANK[a] ? b : a));
      const why =
        rs.length > 1
          ? ` (${(['failed', 'accepted', 'passed', 'not-run'] as const)
              .map((o) => [o, outcomes.filter((x) => x === o).length] as const)
              .filter(([, k]) => k)
              .map(([o, k]) => `${o} on ${k}`)
              .join(', ')})`
          : rs[0]?.reason
            ? ` — ${rs[0].reason}`
            : '';
      return `<td class="${cls}-c" title="${esc(`${rule} · ${i + 1} ${op}: ${cls}${why}`)}"></td>`;
    });
    return `<tr><th class="rule">${esc(rule)}</th>${cells.join('')}</tr>`;
  });
  return `<table class="grid" aria-label="rules by operations"><tr><th>rule \\ operation</th>${ops.map((op, i) => `<th class="op" title="${esc(op)}">${i + 1}</th>`).join('')}</tr>${rows.join('')}</table>
<p class="legend">Hover a cell for its rule, operation and outcome.<span class="sw passed-c"></span>passed<span class="sw failed-c"></span>failed<span class="sw accepted-c"></span>failed, accepted by the baseline<span class="sw not-run-c"></span>not run<span class="sw none-c"></span>does not apply</p>
<details><summary>Operations by number</summary><ol class="ops">${ops.map((op) => `<li>${esc(op)}</li>`).join('')}</ol></details>`;
}

function replayLines(f: Finding, runReplay?: string): string {
  return [
    f.replay && f.replay !== runReplay ? `<div>Replay the run:<pre>${esc(f.replay)}</pre></div>` : '',
    f.request && !f.target?.startsWith('recorded')
      ? `<div>Replay the request:<pre>${esc(curlFor(f.request, f.request.authenticated !== false))}</pre></div>`
      : '',
  ].join('');
}

function failureItem(f: Finding, runReplay?: string): string {
  return `<li><code>${esc(f.rule)}</code> on <b>${esc(f.operation)}</b> <span class="cat">${esc(f.category)}</span> (${esc(f.target ?? '')}) — ${esc(f.message)}${replayLines(f, runReplay)}</li>`;
}

function findingBlock(f: Finding): string {
  const accepted = f.accepted
    ? ` <span class="accepted">${f.accepted.expired ? 'baseline entry EXPIRED' : 'accepted'}: ${esc(f.accepted.reason)}</span>`
    : '';
  const detail = [
    f.request ? `<div>Request: <code>${esc(`${f.request.method} ${f.request.url}`)}</code></div>` : '',
    f.pointer !== undefined ? `<div>Pointer: <code>${esc(f.pointer || '(root)')}</code></div>` : '',
    f.input !== undefined
      ? `<div>Input (the shrunk counterexample generated):<pre>${esc(JSON.stringify(f.input, null, 2))}</pre></div>`
      : '',
    f.expected !== undefined
      ? `<div>Expected:<pre>${esc(JSON.stringify(f.expected, null, 2))}</pre></div>`
      : '',
    f.actual !== undefined ? `<div>Actual:<pre>${esc(JSON.stringify(f.actual, null, 2))}</pre></div>` : '',
    replayLines(f),
  ].join('');
  return `<details${isBlocking(f) ? ' open' : ''}><summary><span class="${f.severity}">${f.severity}</span> <span class="cat">${esc(f.category)}</span> <code>${esc(f.rule)}</code> ${esc(f.operation)} — ${esc(f.message)} <i>(source: ${esc(f.source)})</i>${accepted}</summary>${detail}</details>`;
}
