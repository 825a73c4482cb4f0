// One conformance run → conformance.json, junit.xml and conformance.html, written together
// (temporary files, then renamed) so a report is never half-written.

import type { ObservedOperation } from '../drift/infer';
import type { ObservedDrift } from '../drift/observed';
import { bySeverity, type Finding, isBlocking } from '../finding';
import type { BaselineEntry } from '../findings/baseline';
import type { ApiInfo } from '../model/api';
import type { Coverage } from '../run/coverage';
import type { RuleResult, RunResult } from '../run/run';

export interface Verdict {
  passed: boolean;
  /** passed; failed; unavailable: every blocking finding a network or provider error (exit 3, retry later). */
  status: 'passed' | 'failed' | 'unavailable';
  /** What decided it, one line each: blocking errors, operations no rule judged. */
  lines: string[];
}

export interface ConformanceReport {
  verdict: Verdict;
  tool: { name: string; version: string; node: string };
  contract: string;
  /** The API judged: its title, origin, product and version (from its spec). */
  api: ApiInfo;
  /** The seed of the run's generated data (properties; the local provider's dataset): --seed replays it. */
  seed?: number;
  /** The command that replays this run. */
  replay?: string;
  /** A local run: the command that starts a provider as the run's was (its port, data, fault). */
  provider?: string;
  startedAt: string;
  durationMs: number;
  runs: Array<{
    target: string;
    durationMs: number;
    /** Requests the checks made, requests the pagination properties made, and how many were in flight at once. */
    requestCount: number;
    paginationRequests: number;
    concurrency: number;
    /** What the run made that no operation removes, per list: left on the account. */
    unremovable?: Record<string, number>;
    requests: Array<{
      scenario: string;
      operation: string;
      method: string;
      url: string;
      authenticated: boolean;
      status?: number;
      error?: string;
      attempts: number;
      durationMs: number;
    }>;
    results: Array<Omit<RuleResult, 'findings'> & { findings: number }>;
  }>;
  findings: Finding[];
  /** What the traffic showed, per operation (input for `npm run drift -- --to conformance.json`). */
  observed: ObservedOperation[];
  drift: ObservedDrift[];
  /** Rule × operation pairs judged and not run; operations no rule judged on any target, with why. */
  coverage: Coverage;
  baseline: { file: string; stale: BaselineEntry[]; expired: BaselineEntry[] };
  summary: { errors: number; warnings: number; info: number; accepted: number; blocking: number };
}

export function buildReport(
  runs: readonly RunResult[],
  findings: readonly Finding[],
  meta: {
    contract: string;
    seed?: number;
    replay?: string;
    provider?: string;
    startedAt: string;
    durationMs: number;
    tool: { name: string; version: string };
    api: ApiInfo;
    baselineFile: string;
    stale: BaselineEntry[];
    expired: BaselineEntry[];
    drift: ObservedDrift[];
    observed: ObservedOperation[];
    concurrency: number;
    coverage: Coverage;
    verdict: Verdict;
  },
): ConformanceReport {
  const sorted = [...findings].sort(bySeverity);
  return {
    verdict: meta.verdict,
    tool: { ...meta.tool, node: process.version },
    contract: meta.contract,
    api: meta.api,
    ...(meta.seed !== undefined ? { seed: meta.seed } : {}),
    ...(meta.replay ? { replay: meta.replay } : {}),
    ...(meta.provider ? { provider: meta.provider } : {}),
    startedAt: meta.startedAt,
    durationMs: meta.durationMs,
    runs: runs.map((r) => ({
      target: r.target,
      durationMs: r.durationMs,
      requestCount: r.requests,
      paginationRequests: r.paginationRequests,
      concurrency: meta.concurrency,
      ...(r.unremovable ? { unremovable: r.unremovable } : {}),
      requests: r.observations.map((o) => ({
        scenario: o.scenario,
        operation: `${o.op.method} ${o.op.path}`,
        method: o.exchange.request.method,
        url: o.exchange.request.url,
        authenticated: o.exchange.request.authenticated,
        ...(o.exchange.response ? { status: o.exchange.response.status } : {}),
        ...(o.exchange.error ? { error: o.exchange.error.message } : {}),
        attempts: o.exchange.attempts,
        durationMs: o.exchange.durationMs,
      })),
      results: r.results.map(({ findings: f, ...rest }) => ({ ...rest, findings: f.length })),
    })),
    findings: sorted,
    observed: meta.observed,
    drift: meta.drift,
    coverage: meta.coverage,
    baseline: { file: meta.baselineFile, stale: meta.stale, expired: meta.expired },
    summary: {
      errors: sorted.filter((f) => f.severity === 'error').length,
      warnings: sorted.filter((f) => f.severity === 'warning').length,
      info: sorted.filter((f) => f.severity === 'info').length,
      accepted: sorted.filter((f) => f.accepted && !f.accepted.expired).length,
      blocking: sorted.filter(isBlocking).length,
    },
  };
}

/** Findings by target, rule and operation, built once: the writers look each result up, never rescan. */
export function findingsIndex(
  findings: readonly Finding[],
): (target: string, rule?: string, operation?: string) => Finding[] {
  const by = new Map<string, Finding[]>();
  const add = (key: string, f: Finding) => {
    const list = by.get(key);
    if (list) list.push(f);
    else by.set(key, [f]);
  };
  for (const f of findings) {
    add(`${f.target}\u0000${f.rule}\u0000${f.operation}`, f);
    add(`${f.target}`, f);
  }
  const none: Finding[] = [];
  return (target, rule, operation) =>
    by.get(rule === undefined ? `${target}` : `${target}\u0000${rule}\u0000${operation}`) ?? none;
}
