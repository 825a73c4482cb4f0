// conformance.html: a page a person reads. Summary, a check × operation table per target, and each
// finding with its request, expected, actual and a curl line to reproduce it.

import { type Finding, isBlocking } from '../finding';
import { curlFor } from '../rules/curl';
import { levelOf } from '../rules/drift-table';
import type { RunResult } from '../run/run';
import { type ConformanceReport, findingsIndex } from './conformance-report';
import { esc } from './junit';

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d2230;max-width:1200px}
h1{font-size:1.5rem}h2{margin-top:2rem;border-bottom:1px solid #dde}table{border-collapse:collapse;margin:.5rem 0}
td,th{border:1px solid #dde;padding:.3rem .6rem;text-align:left;vertical-align:top}th{background:#f4f5fa}
.passed{background:#e5f6e8}.failed{background:#fde5e5}.not-run{background:#f1f1f1;color:#666}.accepted{background:#fff6d8}
.error{color:#b00020;font-weight:600}.warning{color:#8a5a00;font-weight:600}.info{color:#2a5db0}
.cards{display:flex;gap:1rem}.card{border:1px solid #dde;border-radius:6px;padding:.6rem 1rem}.card b{font-size:1.4rem;display:block}
  .cat{background:#eef;border-radius:3px;padding:0 .3rem;font-size:.85em}pre{background:#f6f7fb;padding:.4rem .6rem;overflow-x:auto;margin:.2rem 0}details{margin:.4rem 0}`;

export function conformanceHtml(report: ConformanceReport, runs: readonly RunResult[]): string {
  const s = report.summary;
  const verdict = report.verdict.passed
    ? `<p>PASSED: ${report.verdict.lines.map(esc).join('<br>')}</p>`
    : `<p class="error">FAILED</p><ul>${report.verdict.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`;
  const of = findingsIndex(report.findings);
  const sections = runs.map((run) => {
    const resultOf = new Map(run.results.map((x) => [`${x.rule}\u0000${x.operation}`, x]));
    const ops = [...new Set(run.results.map((r) => r.operation))];
    // One table per resource (the first static path segment): rule × operation.
    const resources = new Map<string, string[]>();
    for (const op of ops) {
      const resource = op.split(' ')[1]?.split('/').filter(Boolean)[1] ?? op;
      resources.set(resource, [...(resources.get(resource) ?? []), op]);
    }
    const tables = [...resources].map(([resource, columns]) => {
      const rules = [...new Set(run.results.filter((r) => columns.includes(r.operation)).map((r) => r.rule))];
      const rows = rules.map((rule) => {
        const cells = columns.map((op) => {
          const r = resultOf.get(`${rule}\u0000${op}`);
          if (!r) return '<td class="not-run">n/a</td>';
          const fs = of(run.target, rule, op);
          const cls = r.outcome === 'failed' && !fs.some(isBlocking) ? 'accepted' : r.outcome;
          return `<td class="${cls}" title="${esc(r.reason ?? '')}">${cls}${fs.length ? ` (${fs.length})` : ''}</td>`;
        });
        return `<tr><th>${esc(rule)}</th>${cells.join('')}</tr>`;
      });
      return `<h3>${esc(resource)}</h3><table><tr><th>rule</th>${columns.map((o) => `<th>${esc(o)}</th>`).join('')}</tr>${rows.join('')}</table>`;
    });
    const findings = of(run.target).map(findingBlock);
    const summary = report.runs.find((r) => r.target === run.target);
    return `<h2>Target ${esc(run.target)}</h2><p>${summary?.requestCount ?? run.observations.length} requests for the checks, ${summary?.paginationRequests ?? 0} for the pagination properties, concurrency ${summary?.concurrency ?? 1}, ${run.durationMs} ms</p>
${tables.join('\n')}
<h3>Findings</h3>${findings.join('') || '<p>None.</p>'}`;
  });
  const stale = report.baseline.stale.length
    ? `<h2>Stale baseline entries</h2><p>These accepted findings no longer occur; remove them from ${esc(report.baseline.file)}.</p><pre>${esc(JSON.stringify(report.baseline.stale, null, 2))}</pre>`
    : '';
  const drift = report.drift
    .map((d) => {
      const rows = d.findings.map(
        (c) =>
          `<tr><td class="${levelOf(c) === 'breaking' ? 'failed' : levelOf(c) === 'info' ? 'not-run' : 'passed'}">${esc(levelOf(c))}</td><td>${esc(c.operation)}</td><td><code>${esc(c.pointer ?? '')}</code></td><td><code>${esc(c.rule)}</code></td><td>${esc(c.message)}</td></tr>`,
      );
      const ops = d.operations
        .map(
          (o) =>
            `<tr><td>${esc(o.operation)}</td><td>${o.objects}</td><td>${o.undocumented.map((f) => `<code>${esc(f)}</code>`).join(', ') || 'none'}</td><td>${o.neverSeen.map((f) => `<code>${esc(f)}</code>`).join(', ') || 'none'}</td><td>${esc(o.statuses.join(', '))}</td></tr>`,
        )
        .join('');
      return `<h3>${esc(d.target)}</h3>
<table><tr><th>operation</th><th>items seen</th><th>undocumented fields</th><th>documented, never seen</th><th>statuses</th></tr>${ops}</table>
${rows.length ? `<table><tr><th>class</th><th>operation</th><th>where</th><th>rule</th><th>why</th></tr>${rows.join('')}</table>` : '<p>No drift against the resolved contract.</p>'}`;
    })
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Twilio Assistants v1 conformance report</title><style>${CSS}</style></head><body>
<h1>Twilio Assistants v1 — conformance</h1>
<p>Contract: <b>${esc(report.contract)}</b> · started ${esc(report.startedAt)} · ${report.durationMs} ms · ${esc(report.tool.name)} ${esc(report.tool.version)} on Node ${esc(report.tool.node)}</p>
${verdict}
<div class="cards"><div class="card"><b>${s.blocking}</b>blocking</div><div class="card"><b>${s.errors}</b>errors</div><div class="card"><b>${s.warnings}</b>warnings</div><div class="card"><b>${s.accepted}</b>accepted</div><div class="card"><b>${s.info}</b>info</div></div>
${sections.join('\n')}${stale}
<h2>Live drift: what the traffic showed against the contract</h2>${drift || '<p>No traffic observed.</p>'}
</body></html>
`;
}

function findingBlock(f: Finding): string {
  const accepted = f.accepted
    ? ` <span class="accepted">${f.accepted.expired ? 'baseline entry EXPIRED' : 'accepted'}: ${esc(f.accepted.reason)}</span>`
    : '';
  const detail = [
    f.request ? `<div>Request: <code>${esc(`${f.request.method} ${f.request.url}`)}</code></div>` : '',
    f.pointer !== undefined ? `<div>Pointer: <code>${esc(f.pointer || '(root)')}</code></div>` : '',
    f.expected !== undefined
      ? `<div>Expected:<pre>${esc(JSON.stringify(f.expected, null, 2))}</pre></div>`
      : '',
    f.actual !== undefined ? `<div>Actual:<pre>${esc(JSON.stringify(f.actual, null, 2))}</pre></div>` : '',
    f.request && !f.target?.startsWith('recorded')
      ? `<div>Reproduce:<pre>${esc(curlFor(f.request, f.request.authenticated !== false))}</pre></div>`
      : '',
  ].join('');
  return `<details${isBlocking(f) ? ' open' : ''}><summary><span class="${f.severity}">${f.severity}</span> <span class="cat">${esc(f.category)}</span> <code>${esc(f.rule)}</code> ${esc(f.operation)} — ${esc(f.message)} <i>(source: ${esc(f.source)})</i>${accepted}</summary>${detail}</details>`;
}
