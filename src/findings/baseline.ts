// Findings a team has reviewed and accepted, each with a reason and an optional expiry. Accepted
// findings stay visible in every report; expired ones count again; entries that match nothing are
// reported as stale so the baseline shrinks. Scope is exact: a docs example's defect accepted for
// the docs cassette never hides the same defect from a live provider. A run judges only the entries
// of the targets it evaluated: entries for other targets are kept verbatim, never called stale.

import { isDeepStrictEqual } from 'node:util';
import { UsageError } from '../errors';
import type { Finding } from '../finding';
import { readTextFile } from '../fs-read';
import { foldIndices } from '../rules/rule';

export interface BaselineEntry {
  rule: string;
  operation?: string;
  pointer?: string;
  target?: string;
  actual?: unknown;
  reason: string;
  /** YYYY-MM-DD; from that day on the finding counts again. */
  expires?: string;
}

export interface BaselineOutcome {
  findings: Finding[];
  stale: BaselineEntry[];
  expired: BaselineEntry[];
}

export function loadBaseline(path: string): BaselineEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readTextFile(path, 'baseline'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UsageError(`baseline ${path}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
  const entries = (raw as { entries?: unknown })?.entries;
  if (!Array.isArray(entries)) throw new UsageError(`baseline ${path}: expected {"entries": [...]}`);
  entries.forEach((e, k) => {
    const bad = (what: string) => {
      throw new UsageError(`baseline ${path}: /entries/${k} ${what}`);
    };
    if (typeof e !== 'object' || e === null) bad('must be an object');
    // Entries written before rules had one name carry it as "check".
    if (typeof e.rule !== 'string' && typeof e.check === 'string') {
      e.rule = e.check;
      delete e.check;
    }
    if (typeof e.rule !== 'string') bad('needs a "rule"');
    if (typeof e.reason !== 'string' || e.reason.trim() === '') bad('needs a "reason"');
    if (e.expires !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(e.expires)))
      bad('"expires" must be YYYY-MM-DD');
  });
  return entries as BaselineEntry[];
}

export function scopeOf(f: Finding): Omit<BaselineEntry, 'reason' | 'expires'> {
  return {
    rule: f.rule,
    ...(f.operation ? { operation: f.operation } : {}),
    ...(f.pointer !== undefined ? { pointer: foldIndices(f.pointer) } : {}),
    ...(f.target ? { target: f.target } : {}),
    ...(f.actual !== undefined ? { actual: f.actual } : {}),
  };
}

const matches = (entry: BaselineEntry, f: Finding): boolean => {
  const { reason: _r, expires: _e, ...scope } = entry;
  return isDeepStrictEqual(scope, scopeOf(f));
};

/** Whether a live (unexpired) entry of the baseline accepts this finding. */
export function acceptedBy(entries: readonly BaselineEntry[], f: Finding, today = new Date()): boolean {
  const day = today.toISOString().slice(0, 10);
  return entries.some((e) => matches(e, f) && (e.expires === undefined || e.expires > day));
}

/**
 * What a run judged: its targets and, when known, each target × rule × operation it judged (a
 * narrowed run, --only or --resource, judges fewer). Kinds reported per operation without a result of
 * their own (drift, transport) count as judged where the operation was.
 */
export interface Judged {
  targets: ReadonlySet<string>;
  /** `${target}\u0000${rule}\u0000${operation}` for every result passed or failed. */
  pairs?: ReadonlySet<string>;
  /** `${target}\u0000${operation}` for every operation any rule judged. */
  operations?: ReadonlySet<string>;
  /** The rules the run selected. */
  rules?: ReadonlySet<string>;
}

const PER_OPERATION = /^(drift|transport)\./;

/** Whether a run judges this entry: its target, and (a narrowed run) its rule on its operation. */
export const judgedBy = (entry: BaselineEntry, judged: ReadonlySet<string> | Judged): boolean => {
  const j: Judged = judged instanceof Set ? { targets: judged } : (judged as Judged);
  if (entry.target !== undefined && !j.targets.has(entry.target)) return false;
  if (j.rules && !j.rules.has(entry.rule)) return false;
  if (!j.pairs || entry.operation === undefined) return true;
  const targets = entry.target !== undefined ? [entry.target] : [...j.targets];
  return targets.some((t) =>
    PER_OPERATION.test(entry.rule)
      ? (j.operations?.has(`${t}\u0000${entry.operation}`) ?? true)
      : j.pairs?.has(`${t}\u0000${entry.rule}\u0000${entry.operation}`),
  );
};

export function applyBaseline(
  findings: readonly Finding[],
  entries: readonly BaselineEntry[],
  targets: ReadonlySet<string> | Judged,
  today = new Date(),
): BaselineOutcome {
  const day = today.toISOString().slice(0, 10);
  const used = new Set<BaselineEntry>();
  const out = findings.map((f) => {
    const entry = entries.find((e) => matches(e, f));
    if (!entry) return f;
    used.add(entry);
    const expired = entry.expires !== undefined && entry.expires <= day;
    return {
      ...f,
      accepted: {
        reason: entry.reason,
        ...(entry.expires ? { expires: entry.expires } : {}),
        ...(expired ? { expired } : {}),
      },
    };
  });
  return {
    findings: out,
    stale: entries.filter((e) => !used.has(e) && judgedBy(e, targets)),
    expired: [...used].filter((e) => e.expires !== undefined && e.expires <= day),
  };
}

/**
 * The baseline after review: current errors of the targets this run evaluated (warnings never fail
 * a run), keeping reasons already given; every entry of another target is kept as it was.
 */
export function updatedBaseline(
  findings: readonly Finding[],
  previous: readonly BaselineEntry[],
  targets: ReadonlySet<string> | Judged,
): { entries: BaselineEntry[] } {
  const entries: BaselineEntry[] = previous.filter((e) => !judgedBy(e, targets));
  for (const f of findings) {
    // An outage is not a contract anyone reviewed: a network or provider error never becomes an entry.
    if (f.severity !== 'error' || f.category === 'network' || f.category === 'provider-error') continue;
    const scope = scopeOf(f);
    if (entries.some((e) => matches(e, f))) continue;
    const prior = previous.find((e) => matches(e, f));
    entries.push({
      ...scope,
      reason: prior?.reason ?? 'TODO: say why this is accepted',
      ...(prior?.expires ? { expires: prior.expires } : {}),
    });
  }
  return { entries };
}
