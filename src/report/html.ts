// conformance.html: a page a person reads. Summary, a check × operation table per target, and each
// finding with its request, expected, actual and a curl line to reproduce it.

import type { RunResult } from '../checks/runner';
import { type Finding, isBlocking } from '../findings';
import type { ConformanceReport } from './conformance-report';
import { curlFor } from './curl';
import { esc } from './junit';

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d2230;max-width:1200px}
h1{font-size:1.5rem}h2{margin-top:2rem;border-bottom:1px solid #dde}table{border-collapse:collapse;margin:.5rem 0}
td,th{border:1px solid #dde;padding:.3rem .6rem;text-align:left;vertical-align:top}th{background:#f4f5fa}
.passed{background:#e5f6e8}.failed{background:#fde5e5}.not-run{background:#f1f1f1;color:#666}.accepted{background:#fff6d8}
.error{color:#b00020;font-weight:600}.warning{color:#8a5a00;font-weight:600}.info{color:#2a5db0}
.cards{display:flex;gap:1rem}.card{border:1px solid #dde;border-radius:6px;padding:.6rem 1rem}.card b{font-size:1.4rem;display:block}
pre{background:#f6f7fb;padding:.4rem .6rem;overflow-x:auto;margin:.2rem 0}details{margin:.4rem 0}`;

export function conformanceHtml(report: ConformanceReport, runs: readonly RunResult[]): string {
  const s = report.summary;
  const verdict = s.blocking
    ? `<p class="error">FAILED: ${s.blocking} blocking error(s)</p>`
    : '<p>PASSED: no blocking error</p>';
  const sections = runs.map((run) => {
    const ops = [...new Set(run.results.map((r) => r.operation))];
    const checks = [...new Set(run.results.map((r) => r.check))];
    const rows = checks.map((check) => {
      const cells = ops.map((op) => {
        const r = run.results.find((x) => x.check === check && x.operation === op);
        if (!r) return '<td class="not-run">n/a</td>';
        const fs = report.findings.filter(
          (f) => f.target === run.target && f.check === check && f.operation === op,
        );
        const cls = r?.outcome === 'failed' && !fs.some(isBlocking) ? 'accepted' : (r?.outcome ?? 'not-run');
        const label = cls === 'accepted' ? 'accepted' : (r?.outcome ?? 'not-run');
        return `<td class="${cls}" title="${esc(r?.reason ?? '')}">${label}${fs.length ? ` (${fs.length})` : ''}</td>`;
      });
      return `<tr><th>${esc(check)}</th>${cells.join('')}</tr>`;
    });
    const findings = report.findings.filter((f) => f.target === run.target).map(findingBlock);
    return `<h2>Target ${esc(run.target)}</h2><p>${run.observations.length} requests, ${run.durationMs} ms</p>
<table><tr><th>check</th>${ops.map((o) => `<th>${esc(o)}</th>`).join('')}</tr>${rows.join('')}</table>
<h3>Findings</h3>${findings.join('') || '<p>None.</p>'}`;
  });
  const stale = report.baseline.stale.length
    ? `<h2>Stale baseline entries</h2><p>These accepted findings no longer occur; remove them from ${esc(report.baseline.file)}.</p><pre>${esc(JSON.stringify(report.baseline.stale, null, 2))}</pre>`
    : '';
  const drift = report.drift
    .map((d) => {
      const rows = d.changes.map(
        (c) =>
          `<tr><td class="${c.class === 'breaking' ? 'failed' : c.class === 'info' ? 'not-run' : 'passed'}">${esc(c.class)}</td><td>${esc(c.operation)}</td><td><code>${esc(c.field)}</code></td><td>${esc(c.change)}</td><td>${esc(c.reason)}</td></tr>`,
      );
      return `<h3>${esc(d.target)}: ${d.objects} sessions seen</h3>
<p>Undocumented fields: ${d.undocumented.map((f) => `<code>${esc(f)}</code>`).join(', ') || 'none'} · documented, never seen: ${d.neverSeen.map((f) => `<code>${esc(f)}</code>`).join(', ') || 'none'} · formats seen: ${
        Object.entries(d.formatsSeen)
          .map(([f, x]) => `<code>${esc(f)}</code> ${esc(x)}`)
          .join(', ') || 'none'
      } · statuses: ${Object.entries(d.statuses)
        .map(([op, s]) => `${esc(op)} ${esc(s.join(', '))}`)
        .join('; ')}</p>
${rows.length ? `<table><tr><th>class</th><th>operation</th><th>field</th><th>change</th><th>why</th></tr>${rows.join('')}</table>` : ''}`;
    })
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sessions conformance report</title><style>${CSS}</style></head><body>
<h1>Twilio Assistants v1 Sessions — conformance</h1>
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
  return `<details${isBlocking(f) ? ' open' : ''}><summary><span class="${f.severity}">${f.severity}</span> <code>${esc(f.check)}</code> ${esc(f.operation ?? '')} — ${esc(f.message)}${accepted}</summary>${detail}</details>`;
}
