// The plan of a run, as data built by pure functions: which reads each operation gets (in waves,
// parents first), what a run that writes sends, what the pagination properties get, and the budgets.
// `--dry-run` prints it; the plan's execution (plan.ts) walks the same reads over a transport.

import { type ModelIndex, selectOperations } from '../model/model';
import { type Operation, operationLabel, successStatus } from '../model/operation';
import { type WriteOperation, writeLabel } from '../model/writes';
import { invalidPageSizes, pageSizeBounds } from '../rules/invariants';
import type { BodyRole } from '../rules/rule';
import { negativeBodies, validBody } from '../schemas/bodies';
import type { Contract } from '../schemas/contract';
import { type RefusalScenario, refusalObjects } from './writes/refusals';

/** Small enough that a few items span pages, so next_page_url is exercised. */
export const SMALL_PAGE_SIZE = 2;
/** Parents tried, at most, to find one whose nested list has items. */
export const PARENT_PROBES = 4;

export type ReadKind = 'default' | 'sized' | 'next' | 'invalid' | 'fetch' | 'unknown-id' | 'no-auth';

/** One read the plan makes of an operation: what it is, what a conforming provider answers. */
export interface PlannedRead {
  kind: ReadKind;
  scenario: string;
  expect: { status: number; body: BodyRole };
  /** The PageSize sent, when one is. */
  pageSize?: string;
  /** Only for an operation the run reports (not one read only to reach another). */
  reported?: boolean;
}

const read = (
  kind: ReadKind,
  scenario: string,
  status: number,
  body: BodyRole,
  more: Partial<PlannedRead> = {},
) => ({
  kind,
  scenario,
  expect: { status, body },
  ...more,
});

/** The reads of one operation, in the order they are made. */
export function readsOf(op: Operation): PlannedRead[] {
  const tail = [
    ...(op.pathParams.length ? [read('unknown-id', 'unknown-id', 404, 'error', { reported: true })] : []),
    read('no-auth', 'no-auth', 401, 'error', { reported: true }),
  ];
  // What a conforming provider answers: 200, or the redirect the spec documents (its 302, 307).
  const ok = successStatus(op);
  if (op.kind !== 'list') return [read('fetch', 'fetch-listed', ok, 'instance'), ...tail];
  const bounds = pageSizeBounds(op);
  if (!bounds) return [read('default', 'list-default', ok, 'list'), ...tail];
  const small = String(Math.max(bounds.min, SMALL_PAGE_SIZE));
  return [
    read('default', 'list-default', ok, 'list'),
    read('sized', 'list-sized', ok, 'list', { pageSize: small, reported: true }),
    read('next', 'list-next', ok, 'list', { pageSize: small, reported: true }),
    ...invalidPageSizes(bounds).map((size) =>
      read('invalid', `list-page-size-invalid-${size}`, 400, 'error', { pageSize: size, reported: true }),
    ),
    ...tail,
  ];
}

/** The operations in waves, parents first: each wave's supplying lists are read in earlier ones. */
export function waves(operations: readonly Operation[], index: ModelIndex): Operation[][] {
  let pending = [...operations];
  const done = new Set<Operation>();
  const out: Operation[][] = [];
  while (pending.length) {
    let wave = pending.filter((op) => index.parentsOf(op).every((p) => done.has(p) || !pending.includes(p)));
    if (wave.length === 0) wave = pending.slice(0, 1);
    out.push(wave);
    for (const op of wave) done.add(op);
    pending = pending.filter((op) => !wave.includes(op));
  }
  return out;
}

/** What a run that writes sends for one write: its refusals, counted from the bodies the sources give. */
export function refusalsOf(w: WriteOperation): {
  negative: number;
  malformed: number;
  unknownId: number;
  noAuth: number;
} {
  const valid = validBody(w, { seed: 1, tag: 'conformance-plan', optional: refusalObjects(w) });
  return {
    negative: valid ? negativeBodies(w, valid).length : 0,
    malformed: valid && w.request && w.requestEncoding !== 'form' ? 1 : 0,
    unknownId: w.pathParams.length ? 1 : 0,
    noAuth: 1,
  };
}

/** Lines that say the plan: the reads in waves, the writes and their refusals. */
export function planLines(
  contract: Contract,
  index: ModelIndex,
  o: {
    resources?: string[];
    writes: boolean;
    recorded?: boolean;
    /** The refusals a run narrowed by --only sends (all when absent). */
    refusals?: (scenario: RefusalScenario) => boolean;
  },
): string[] {
  const wanted = selectOperations(contract.model, o.resources);
  const ops = contract.operations.filter((op) => !wanted || wanted.includes(op.id));
  const lines: string[] = [];
  waves(ops, index).forEach((wave, k) => {
    for (const op of wave) {
      const reads = readsOf(op);
      const probes =
        op.kind === 'list' && op.pathParams.length ? ` (under up to ${PARENT_PROBES} parents)` : '';
      lines.push(
        `wave ${k + 1}  ${operationLabel(op)}: ${reads.map((r) => `${r.scenario}${r.pageSize ? `[${r.pageSize}]` : ''}`).join(', ')}${probes}`,
      );
    }
  });
  for (const u of contract.model.unmodelled ?? [])
    if (!wanted || wanted.includes(u.id)) lines.push(`not modelled  ${operationLabel(u)}: ${u.reason}`);
  const writes = contract.writes.filter((w) => !wanted || wanted.includes(w.id));
  if (o.recorded) lines.push(`writes: those the cassettes hold, replayed and judged as traffic`);
  else if (!o.writes)
    lines.push(`writes: none sent (GET only; ${writes.length} write operations not judged)`);
  else
    for (const w of writes)
      lines.push(`write  ${writeLabel(w)} (${w.action}): ${refusalLine(w, o.refusals)}`);
  return lines;
}

/** A write's refusals as the plan shows them: those the run sends, or why it sends none. */
function refusalLine(w: WriteOperation, sends: (scenario: RefusalScenario) => boolean = () => true): string {
  const r = refusalsOf(w);
  const parts = [
    ...(sends('negative') ? [`${r.negative} refused bodies`] : []),
    ...(r.malformed && sends('malformed') ? ['malformed JSON'] : []),
    ...(r.unknownId && sends('unknown-id') ? ['an unknown id'] : []),
    ...(sends('no-auth') ? ['no credentials'] : []),
  ];
  return parts.length ? parts.join(', ') : 'no refusal (no rule the run was narrowed to judges one)';
}
