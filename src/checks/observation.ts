// What a check looks at: one exchange, what the scenario expected of it, and its parsed body.

import type { Contract } from '../contract/contract';
import type { Category, Finding } from '../findings';
import type { Exchange } from '../transport/http';

export type BodyRole = 'resource' | 'list' | 'error';

export interface Observation {
  /** The scenario that made the request, e.g. "list-sized". */
  scenario: string;
  operation: string;
  expect: { status: number; body: BodyRole };
  exchange: Exchange;
  /** PageSize as sent (undefined when none was sent). */
  pageSize?: string;
  /** For a fetch of a listed session: its list entry. */
  listEntry?: unknown;
  json?: unknown;
  jsonError?: string;
}

export type OperationKind = 'list' | 'fetch';

export interface Check {
  id: string;
  description: string;
  /** Operations the check is about; it is reported for each of them. */
  operations: readonly OperationKind[];
  applies(o: Observation): boolean;
  run(o: Observation, contract: Contract): Finding[];
}

export function finding(
  check: string,
  o: Observation,
  f: Omit<Finding, 'check' | 'operation' | 'request'>,
): Finding {
  const { method, url, authenticated } = o.exchange.request;
  return {
    check,
    operation: o.operation,
    request: { method, url, ...(authenticated ? {} : { authenticated }) },
    category: categoryOf(o),
    ...f,
  };
}

/** A 5xx or 429 is the provider failing, not the contract drifting. */
export function categoryOf(o: Observation): Category {
  const status = o.exchange.response?.status;
  if (status === undefined) return 'network';
  return status >= 500 || status === 429 ? 'provider-error' : 'contract';
}

export const hasJson = (o: Observation): boolean =>
  o.exchange.response !== undefined && o.jsonError === undefined;
export const isSuccess = (o: Observation): boolean => o.expect.status < 300;
export const succeeded = (o: Observation): boolean =>
  isSuccess(o) && o.exchange.response?.status === o.expect.status && hasJson(o);

export function parseBody(o: Observation): void {
  const body = o.exchange.response?.body;
  if (body === undefined) return;
  try {
    o.json = JSON.parse(body);
  } catch (error) {
    o.jsonError = (error as Error).message;
  }
}

/** Pointer with array indices folded, so one defect on 50 items is one finding. */
export const foldIndices = (pointer: string): string => pointer.replace(/\/\d+(?=\/|$)/g, '/*');
