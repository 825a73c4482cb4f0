// What becomes of a request that got no usable response: a named rule like any other, so it can be
// listed, selected and baselined. Not recorded is info; a network failure, timeout or deadline is
// "network" (retry tomorrow); an oversized body or rate limiting that outlived the retries is
// "provider-error"; a URL the provider handed out that cannot or must not be followed is "contract".

import type { Category, Finding } from '../finding';
import type { TransportErrorKind } from '../transport/http';
import type { Observation, RuleInfo } from './rule';

export interface TransportRule extends RuleInfo {
  kind: 'transport';
}

const rule = (kind: TransportErrorKind | 'rate-limited' | 'unmapped', asserts: string): TransportRule => ({
  name: `transport.${kind}`,
  kind: 'transport',
  asserts,
  needs: 'every request',
});

export const TRANSPORT_RULES: readonly TransportRule[] = [
  rule('network', 'every request gets a complete response (no refused or reset connection)'),
  rule('timeout', 'every response completes within --timeout'),
  rule('deadline', 'the run finishes within --deadline (requests after it are not sent)'),
  rule('too-large', 'no body is larger than --max-body'),
  rule('rate-limited', '429/503 clear within --retries, honouring Retry-After'),
  rule('refused', "every URL the provider hands out (next_page_url…) is a URL on the base URL's origin"),
  rule('budget', 'the run fits its request budget'),
  rule(
    'unreachable',
    'the provider stays reachable: after repeated failures or a Retry-After beyond the cap, the rest of the run is skipped',
  ),
  rule('not-recorded', 'a recorded target holds every request the plan makes (info)'),
  rule(
    'unmapped',
    'every recorded exchange maps to an operation of the model (warning: one that does not is judged by nothing)',
  ),
];

/** A recorded request no operation of the model matches: said, never silently dropped. */
export function unmappedFinding(r: { path: string; authenticated: boolean }, origin: string): Finding {
  const path = r.path.split('?')[0] ?? r.path;
  return {
    rule: 'transport.unmapped',
    severity: 'warning',
    category: 'contract',
    operation: `GET ${path}`,
    source: 'the recording',
    request: {
      method: 'GET',
      url: `${origin}${r.path}`,
      ...(r.authenticated ? {} : { authenticated: false }),
    },
    message: `recorded GET ${r.path} maps to no operation of the model: nothing judged it`,
  };
}

const CATEGORY: Record<TransportErrorKind, Category> = {
  network: 'network',
  timeout: 'network',
  deadline: 'network',
  budget: 'network',
  'not-recorded': 'network',
  'too-large': 'provider-error',
  refused: 'contract',
  unreachable: 'network',
};

export function transportFindings(
  o: Pick<Observation, 'scenario' | 'exchange'> & { op: { method: string; path: string } },
): Finding[] {
  const { method, url, body } = o.exchange.request;
  const base = {
    operation: `${o.op.method} ${o.op.path}`,
    request: { method, url, ...(body !== undefined ? { body } : {}) },
    source: 'the transport',
  };
  const error = o.exchange.error;
  if (error) {
    const info = error.kind === 'not-recorded';
    return [
      {
        ...base,
        rule: `transport.${error.kind}`,
        severity: info ? 'info' : 'error',
        category: CATEGORY[error.kind],
        ...(error.kind === 'not-recorded' ? { source: 'the recording' } : {}),
        message: `${o.scenario}: ${error.message}`,
      },
    ];
  }
  const status = o.exchange.response?.status;
  if ((status === 429 || status === 503) && (o.exchange.attempts > 1 || o.exchange.gaveUp)) {
    const after = o.exchange.response?.headers['retry-after'];
    return [
      {
        ...base,
        rule: 'transport.rate-limited',
        severity: 'error',
        category: 'provider-error',
        actual: status,
        message: `${o.scenario}: ${status === 429 ? 'rate limited' : 'unavailable'}: still ${status} after ${o.exchange.attempts} attempts (${after ? `Retry-After: ${after}` : 'no Retry-After'}${o.exchange.gaveUp ? `; ${o.exchange.gaveUp}` : ''})`,
      },
    ];
  }
  return [];
}
