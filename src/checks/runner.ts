// A conformance run: scenarios through the transport, every selected check over every observation,
// and an outcome per check × operation (passed, failed or not run) for the reports.

import type { Contract } from '../contract/contract';
import type { Category, Finding } from '../findings';
import { type PropertyContext, runPaginationProperties } from '../pagination/properties';
import type { HttpTransport } from '../transport/http';
import type { Check, Observation } from './observation';
import { runScenarios, type ScenarioOptions } from './scenarios';

export type Outcome = 'passed' | 'failed' | 'not-run';

export interface CheckResult {
  check: string;
  operation: string;
  outcome: Outcome;
  findings: Finding[];
  /** Why a check did not run for this operation. */
  reason?: string;
}

export interface RunResult {
  target: string;
  observations: Observation[];
  findings: Finding[];
  results: CheckResult[];
  /** Requests the pagination properties made (they have their own budget). */
  paginationRequests: number;
  durationMs: number;
}

export async function runConformance(
  transport: HttpTransport,
  contract: Contract,
  checks: readonly Check[],
  options: ScenarioOptions & {
    onCheck?: (check: { id: string }, results: CheckResult[]) => void;
    /** Pagination properties to run after the checks (live and local targets). */
    pagination?: { context: Omit<PropertyContext, 'contract'>; only?: readonly string[] };
  } = {},
): Promise<RunResult> {
  const started = performance.now();
  const observations = await runScenarios(transport, contract, options);
  const findings: Finding[] = observations.flatMap(transportFinding);
  const results: CheckResult[] = [];
  for (const check of checks) {
    const mine: CheckResult[] = [];
    for (const operation of check.operations.map((kind) => contract.operation(kind))) {
      const applicable = observations.filter((o) => o.operation === operation && check.applies(o));
      const found = applicable.flatMap((o) => check.run(o, contract));
      mine.push({
        check: check.id,
        operation,
        outcome:
          applicable.length === 0
            ? 'not-run'
            : found.some((f) => f.severity === 'error')
              ? 'failed'
              : 'passed',
        findings: found,
        ...(applicable.length === 0 ? { reason: notRunReason(observations, operation) } : {}),
      });
      findings.push(...found);
    }
    results.push(...mine);
    options.onCheck?.(check, mine);
  }
  let paginationRequests = 0;
  if (options.pagination) {
    const operation = contract.operation('list');
    const ran = await runPaginationProperties(
      { ...options.pagination.context, contract },
      options.pagination.only,
    );
    paginationRequests = ran.reduce((n, r) => n + r.requests, 0);
    for (const { id, findings: found, judged } of ran) {
      const result: CheckResult = {
        check: id,
        operation,
        outcome: found.some((f) => f.severity === 'error') ? 'failed' : judged === 0 ? 'not-run' : 'passed',
        ...(judged === 0 && !found.some((f) => f.severity === 'error')
          ? { reason: found.find((f) => f.severity === 'info')?.message ?? 'no run could be judged' }
          : {}),
        findings: found,
      };
      results.push(result);
      findings.push(...found);
      options.onCheck?.({ id }, [result]);
    }
  }
  for (const f of findings) f.target = transport.target;
  return {
    target: transport.target,
    observations,
    findings,
    results,
    paginationRequests,
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * A request that got no usable response is itself a finding: not recorded is info; a network
 * failure, timeout or deadline is "network"; an oversized body or rate limiting that outlived the
 * retries is "provider-error".
 */
function transportFinding(o: Observation): Finding[] {
  const { method, url } = o.exchange.request;
  const base = { operation: o.operation, request: { method, url } };
  const error = o.exchange.error;
  if (error) {
    const category: Category = error.kind === 'too-large' ? 'provider-error' : 'network';
    const severity = error.kind === 'not-recorded' ? 'info' : 'error';
    return [
      {
        ...base,
        check: `transport.${error.kind}`,
        severity,
        ...(severity === 'error' ? { category } : {}),
        message: `${o.scenario}: ${error.message}`,
      },
    ];
  }
  const status = o.exchange.response?.status;
  if ((status === 429 || status === 503) && o.exchange.attempts > 1) {
    const after = o.exchange.response?.headers['retry-after'];
    return [
      {
        ...base,
        check: 'transport.rate-limited',
        severity: 'error',
        category: 'provider-error',
        actual: status,
        message: `${o.scenario}: ${status === 429 ? 'rate limited' : 'unavailable'}: still ${status} after ${o.exchange.attempts} attempts (${after ? `Retry-After: ${after}` : 'no Retry-After'})`,
      },
    ];
  }
  return [];
}

function notRunReason(observations: readonly Observation[], operation: string): string {
  const mine = observations.filter((o) => o.operation === operation);
  if (mine.length === 0) return 'no request was made for this operation';
  if (mine.every((o) => o.exchange.error)) return mine[0]?.exchange.error?.message ?? 'no response';
  return 'no response this check applies to';
}
