// One rule shape for every kind of rule: a name, a kind, what it asserts (shown by --list-checks),
// what it needs from the resource model, and findings of one shape. Observation rules look at one
// exchange; pagination rules drive requests of their own; triangulation rules read the sources;
// drift rules are rows of a table (src/drift/table.ts).

import type { Category, Finding, RuleInfo } from '../finding';
import { parseProviderJson } from '../json';
import type { Operation } from '../model/operation';
import type { Contract, ResolvedViolation } from '../schemas/contract';
import type { Exchange } from '../transport/http';

export type { RuleInfo, RuleKind } from '../finding';

export type BodyRole = 'instance' | 'list' | 'error';

/** What an observation rule looks at: one exchange, what its scenario expected, and its parsed body. */
export interface Observation {
  /** The scenario that made the request, e.g. "list-sized". */
  scenario: string;
  op: Operation;
  expect: { status: number; body: BodyRole };
  exchange: Exchange;
  /** PageSize as sent (undefined when none was sent). */
  pageSize?: string;
  /** For a fetch of a listed item: its list entry. */
  listEntry?: unknown;
  json?: unknown;
  jsonError?: string;
}

export interface ObservationRule extends RuleInfo {
  kind: 'response' | 'list' | 'scenario';
  /** Operations the rule is reported for (in this contract). */
  appliesTo(op: Operation, contract: Contract): boolean;
  applies(o: Observation): boolean;
  run(o: Observation, contract: Contract): Finding[];
}

export function finding(
  rule: string,
  o: Observation,
  f: Omit<Finding, 'rule' | 'operation' | 'request' | 'category' | 'source'> & {
    source?: string;
    category?: Category;
  },
): Finding {
  const { method, url, authenticated } = o.exchange.request;
  return {
    rule,
    operation: `${o.op.method} ${o.op.path}`,
    request: { method, url, ...(authenticated ? {} : { authenticated }) },
    category: categoryOf(o),
    source: 'twilio convention',
    ...f,
  };
}

/** A 5xx or 429 is the provider failing, not the contract drifting; no response is the network's. */
export function categoryOf(o: Pick<Observation, 'exchange'>): Category {
  const status = o.exchange.response?.status;
  if (status === undefined) return 'network';
  return status >= 500 || status === 429 ? 'provider-error' : 'contract';
}

export const hasJson = (o: Observation): boolean =>
  o.exchange.response !== undefined && o.jsonError === undefined;
/** The scenario expects the documented answer, not a refusal: a 200, or the redirect (302, 307) a spec documents. */
export const isSuccess = (o: Observation): boolean => o.expect.status < 400;
export const succeeded = (o: Observation): boolean =>
  isSuccess(o) && o.exchange.response?.status === o.expect.status && hasJson(o);

/**
 * Above this many characters a body is not kept parsed: its value is parsed again when asked for,
 * and only the last one asked for is held. A legal 5 MB page can hold millions of items, hundreds
 * of MB once parsed; a run keeps several such pages (each scenario's) until its report is written.
 */
const KEEP_PARSED_CHARS = 1 << 20;
let lastParsed: { body: string; value: unknown } | undefined;

export function parseBody(o: Observation): void {
  const body = o.exchange.response?.body;
  if (body === undefined) return;
  const parsed = parseProviderJson(body);
  if (!parsed.ok) {
    o.jsonError = parsed.error;
    return;
  }
  if (body.length <= KEEP_PARSED_CHARS) {
    o.json = parsed.value;
    return;
  }
  lastParsed = { body, value: parsed.value };
  Object.defineProperty(o, 'json', {
    enumerable: true,
    configurable: true,
    get(): unknown {
      if (lastParsed?.body !== body) {
        const again = parseProviderJson(body);
        lastParsed = { body, value: again.ok ? again.value : undefined };
      }
      return lastParsed.value;
    },
    set(value: unknown) {
      Object.defineProperty(o, 'json', { value, writable: true, enumerable: true, configurable: true });
    },
  });
}

/**
 * Once a run has been judged and its traffic digested, its bodies are let go: what the reports keep
 * of an observation is its request, status and timing.
 */
export function releaseBodies(observations: readonly Observation[]): void {
  for (const o of observations) {
    Object.defineProperty(o, 'json', {
      value: undefined,
      writable: true,
      enumerable: true,
      configurable: true,
    });
    if (o.exchange.response) o.exchange.response.body = '';
    delete o.listEntry;
  }
}

/** Pointer with array indices folded, so one defect on 50 items is one finding. */
export const foldIndices = (pointer: string): string => pointer.replace(/\/\d+(?=\/|$)/g, '/*');

const violationCache = new WeakMap<
  Observation,
  { contract: Contract; found: readonly ResolvedViolation[] }
>();

/** The body's violations of the resolved contract, computed once per observation and contract. */
export function violationsOf(o: Observation, contract: Contract): readonly ResolvedViolation[] {
  const cached = violationCache.get(o);
  if (cached?.contract === contract) return cached.found;
  const found = contract.validate(o.op, o.json);
  violationCache.set(o, { contract, found });
  return found;
}
