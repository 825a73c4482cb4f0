// The one shape every rule has (name, kind, what it asserts) and the one shape every rule reports
// in: response and list checks, scenarios, writes, pagination properties, triangulation and drift
// (src/drift/table.ts). Findings stay data until src/report renders them.

export type Severity = 'error' | 'warning' | 'info';
/** Whose fault: the network's (retry tomorrow), the provider's (5xx, 429, oversized), or drift from the contract. */
export type Category = 'network' | 'provider-error' | 'contract';

export type RuleKind =
  | 'transport'
  | 'response'
  | 'list'
  | 'scenario'
  | 'pagination'
  | 'triangulation'
  | 'drift'
  | 'write';

export interface RuleInfo {
  name: string;
  kind: RuleKind;
  /** One line: what the rule asserts. */
  asserts: string;
  /** What it needs from the resource model. */
  needs: string;
}

export interface ScrubbedRequest {
  method: string;
  /** Absolute URL; never carries credentials. */
  url: string;
  /** False when the request was deliberately sent without credentials. */
  authenticated?: boolean;
  /** A write's body, as sent (the run's own data; never credentials). */
  body?: unknown;
  /** The body went form-encoded (else JSON). */
  form?: boolean;
}

export interface Finding {
  /** Stable name of the rule that produced it, e.g. "list.page-size". */
  rule: string;
  severity: Severity;
  category: Category;
  /** Operation as "GET /v1/Sessions/{id}", from the model; "(run)" for what concerns the whole run. */
  operation: string;
  /** Where the broken constraint comes from: docs table, openapi spec, docs example, twilio convention, the recording… */
  source: string;
  request?: ScrubbedRequest;
  /** JSON pointer into the document the finding is about. */
  pointer?: string;
  expected?: unknown;
  actual?: unknown;
  /** A generated input that made a property fail (its shrunk counterexample): an input, not an answer. */
  input?: unknown;
  /** The command that reproduces it: the run's own flags and seed. */
  replay?: string;
  /** One line a person understands. */
  message: string;
  /** Where each side of a disagreement comes from (file:line or file#pointer). */
  sources?: Record<string, string>;
  /** What was checked: "live", "local", "recorded:<cassette>", "sources". */
  target?: string;
  /** Set when a baseline entry accepts this finding. */
  accepted?: { reason: string; expires?: string; expired?: boolean };
}

/** An error that no live baseline entry accepts: what makes a run fail. */
export const isBlocking = (f: Finding): boolean =>
  f.severity === 'error' && (!f.accepted || f.accepted.expired === true);

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function bySeverity(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    a.rule.localeCompare(b.rule) ||
    a.operation.localeCompare(b.operation)
  );
}
