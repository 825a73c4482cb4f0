// What a run reports per rule × operation, and per target: the shapes every report reads.

import type { Finding } from '../finding';
import { type Operation, operationLabel } from '../model/operation';
import type { Observation } from '../rules/rule';

export type Outcome = 'passed' | 'failed' | 'not-run';

export interface RuleResult {
  rule: string;
  operation: string;
  outcome: Outcome;
  findings: Finding[];
  /** Why a rule did not run for this operation. */
  reason?: string;
  /** A pagination property on a bounded budget: its share of the pagination budget, and what it used. */
  budget?: number;
  requests?: number;
}

export interface RunResult {
  target: string;
  observations: Observation[];
  findings: Finding[];
  results: RuleResult[];
  /** Requests the plan's checks made, and those the pagination properties made (they have their own budget). */
  requests: number;
  paginationRequests: number;
  /** Writes the run sent (arrange, refusals, undo), when writes were allowed. */
  writeRequests?: number;
  /** What the run made that no operation removes (sessions a message opened, policies), per list: left on the account. */
  unremovable?: Record<string, number>;
  durationMs: number;
  /** A live run that reached nothing it could judge (credentials refused, another account, no TLS): why, in one line. */
  access?: string;
}

/** A rule's result on an operation from what it found: not run when nothing applied (saying why). */
export function outcome(
  rule: string,
  op: Operation,
  applicable: number,
  found: Finding[],
  reason: () => string,
): RuleResult & { requests?: number } {
  return {
    rule,
    operation: operationLabel(op),
    outcome: applicable === 0 ? 'not-run' : found.some((f) => f.severity === 'error') ? 'failed' : 'passed',
    findings: found,
    ...(applicable === 0 ? { reason: reason() } : {}),
  };
}
