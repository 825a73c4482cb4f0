// Coverage in the verdict: which operations a run judged at all (any selected rule passed or failed
// on them, on any target), and, for each one it could not judge, why and what would make it
// judgeable. A run that judged nothing of an operation is not green.

import { type Operation, operationLabel, type Unmodelled } from '../model/operation';
import { NOT_SENT } from './reach';
import type { RunResult } from './run';

export interface Unjudged {
  operation: string;
  /** Why no rule could judge it (the first reason its results give). */
  reason: string;
  /** The flag that names an item for it to read (a read with path parameters). */
  idFlag?: string;
  /** A write: judged only by a run that writes. */
  write?: boolean;
}

export interface Coverage {
  /** Rule × operation pairs: judged (passed or failed) and not run. */
  judged: number;
  notRun: number;
  /** Operations of the model (reads and writes) the run covered: what "N/M operations judged" counts. */
  operations: number;
  /** Operations of the run that no rule judged on any target (writes a run never sends apart). */
  unjudged: Unjudged[];
  /** Writes a run never sends (src/run/reach.ts), each with the reason: said, and no reason to fail. */
  notSent: Unjudged[];
  /**
   * GETs of the spec that are no operation of the model (no JSON body documented for success: a
   * file, a CSV), each with the reason: counted, said, and no reason to fail (nothing judges them).
   */
  notModelled?: Unjudged[];
}

/** An operation's label ("POST /v1/Tools"), not a unit of the run's own ("the write lifecycle", "the run journal"). */
const isOperation = (label: string): boolean => /^[A-Z]+ \//.test(label);

export function coverageOf(
  runs: readonly RunResult[],
  model: readonly Operation[],
  unmodelled: readonly Unmodelled[] = [],
): Coverage {
  const results = runs.flatMap((r) => r.results);
  const operations = [...new Set(results.map((r) => r.operation))].filter(isOperation);
  const judgedOps = new Set(results.filter((r) => r.outcome !== 'not-run').map((r) => r.operation));
  const ids = new Map(model.map((op) => [operationLabel(op), op.id]));
  const open = operations
    .filter((op) => !judgedOps.has(op))
    .map((operation) => {
      const reason =
        results.find((r) => r.operation === operation && r.reason && !/^no response this rule/.test(r.reason))
          ?.reason ??
        results.find((r) => r.operation === operation)?.reason ??
        'no rule could judge it';
      const id = ids.get(operation);
      const write = !operation.startsWith('GET ');
      return {
        operation,
        reason,
        ...(id && /\{[^}]+\}/.test(operation) ? { idFlag: `--id ${id}=VALUE` } : {}),
        ...(write ? { write } : {}),
      };
    });
  const notSent = (u: Unjudged) => u.write === true && u.reason.startsWith(NOT_SENT);
  const notModelled = unmodelled
    .map((u) => ({ operation: operationLabel(u), reason: u.reason }))
    .filter((u) => !operations.includes(u.operation));
  return {
    judged: results.filter((r) => r.outcome !== 'not-run').length,
    notRun: results.filter((r) => r.outcome === 'not-run').length,
    operations: operations.length + notModelled.length,
    unjudged: open.filter((u) => !notSent(u)),
    notSent: open.filter(notSent),
    ...(notModelled.length ? { notModelled } : {}),
  };
}

/** How many operations of the model some rule judged (the run's own units, as its journal, are none). */
export const operationsJudged = (c: Coverage): number =>
  c.operations - c.unjudged.length - (c.notSent?.length ?? 0) - (c.notModelled?.length ?? 0);

/** "28/30 operations judged" (", 2 writes never sent", ", 1 read(s) not modelled"). */
export const judgedLine = (c: Coverage): string =>
  `${operationsJudged(c)}/${c.operations} operations judged${
    c.notSent?.length ? `, ${c.notSent.length} write(s) never sent` : ''
  }${c.notModelled?.length ? `, ${c.notModelled.length} read(s) not modelled` : ''}`;

/** The one line a person reads when operations went unjudged: each with why, then what would judge them. */
export function unjudgedLine(c: Coverage): string {
  const ids = c.unjudged.flatMap((u) => u.idFlag ?? []);
  const reads = c.unjudged.some((u) => !u.write);
  const remedy = [
    ...(ids.length ? [`name items with ${ids.join(' ')}`] : []),
    ...(reads ? ['replay a recording of them', 'or put data on the account'] : []),
    ...(c.unjudged.some((u) => u.write)
      ? [
          'for the writes: run on a disposable account with --writes <AccountSid> (or --target local); where the provider refused a write the run needed, write.arrange-refused quotes its answer',
        ]
      : []),
  ].join(reads ? ', ' : '; ');
  return `NOT JUDGED: ${c.unjudged.length} operation(s) no rule could judge: ${c.unjudged
    .map((u) => `${u.operation} (${u.reason})`)
    .join('; ')}. To judge them: ${remedy}`;
}
