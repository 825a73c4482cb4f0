// Coverage in the verdict: which operations a run judged at all (any selected rule passed or failed
// on them, on any target), and, for each one it could not judge, why and what would make it
// judgeable. A run that judged nothing of an operation is not green.

import { type Operation, operationLabel } from '../model/operation';
import type { RunResult } from './run';

export interface Unjudged {
  operation: string;
  /** Why no rule could judge it (the first reason its results give). */
  reason: string;
  /** The flag that names an item for it to read (an operation with path parameters). */
  idFlag?: string;
}

export interface Coverage {
  /** Rule × operation pairs: judged (passed or failed) and not run. */
  judged: number;
  notRun: number;
  /** Operations of the run that no rule judged on any target. */
  unjudged: Unjudged[];
}

export function coverageOf(runs: readonly RunResult[], model: readonly Operation[]): Coverage {
  const results = runs.flatMap((r) => r.results);
  const operations = [...new Set(results.map((r) => r.operation))];
  const judgedOps = new Set(results.filter((r) => r.outcome !== 'not-run').map((r) => r.operation));
  const ids = new Map(model.map((op) => [operationLabel(op), op.id]));
  const unjudged = operations
    .filter((op) => !judgedOps.has(op))
    .map((operation) => {
      const reason =
        results.find((r) => r.operation === operation && r.reason && !/^no response this rule/.test(r.reason))
          ?.reason ??
        results.find((r) => r.operation === operation)?.reason ??
        'no rule could judge it';
      const id = ids.get(operation);
      return {
        operation,
        reason,
        ...(/\{[^}]+\}/.test(operation) ? { idFlag: `--id ${id ?? 'OperationId'}=VALUE` } : {}),
      };
    });
  return {
    judged: results.filter((r) => r.outcome !== 'not-run').length,
    notRun: results.filter((r) => r.outcome === 'not-run').length,
    unjudged,
  };
}

/** The one line a person reads when operations went unjudged: each with why, then what would judge them. */
export function unjudgedLine(c: Coverage): string {
  const ids = c.unjudged.flatMap((u) => u.idFlag ?? []);
  const remedy = [
    ...(ids.length ? [`name items with ${ids.join(' ')}`] : []),
    'replay a recording of them',
    'or put data on the account',
  ].join(', ');
  return `NOT JUDGED: ${c.unjudged.length} operation(s) no rule could judge: ${c.unjudged
    .map((u) => `${u.operation} (${u.reason})`)
    .join('; ')}. To judge them: ${remedy}`;
}
