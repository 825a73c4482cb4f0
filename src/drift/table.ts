// Drift rules as a table, like oasdiff's checker/rules.go: each row names a change by direction
// (request or response), subject (what changed) and action (added, removed, widened, narrowed…) and
// carries its level and a one-line reason. One engine (diff.ts) finds the changes between two sides;
// the row decides what a change means for a consumer. A request that accepts less breaks callers; a
// response that may send more breaks readers; the reverse of each does not.

import type { Finding, RuleInfo, Severity } from '../finding';

export type DriftLevel = 'breaking' | 'warning' | 'non-breaking' | 'info';
export type Direction = 'request' | 'response';
export type Subject =
  | 'field'
  | 'parameter'
  | 'required'
  | 'type'
  | 'nullable'
  | 'format'
  | 'pattern'
  | 'bound'
  | 'enum'
  | 'status'
  | 'success-status'
  | 'operation'
  | 'observed-format'
  | 'observed-pattern'
  | 'observed-type'
  | 'observed-bound'
  | 'observed-enum'
  | 'observed-required'
  | 'observed-constraint'
  | 'observed-field';
export type Action =
  | 'add'
  | 'remove'
  | 'widen'
  | 'narrow'
  | 'change'
  | 'rewrite'
  | 'violate'
  | 'seen'
  | 'unseen'
  | 'rename';

export interface DriftRule extends RuleInfo {
  kind: 'drift';
  level: DriftLevel;
  direction: Direction;
  subject: Subject;
  action: Action;
  reason: string;
}

const row = (
  direction: Direction,
  subject: Subject,
  action: Action,
  level: DriftLevel,
  reason: string,
  name = `drift.${direction}-${subject}-${action}`,
): DriftRule => ({
  name,
  kind: 'drift',
  level,
  direction,
  subject,
  action,
  reason,
  asserts: `${direction} ${subject} ${action}: ${level} — ${reason}`,
  needs: 'two sources of the same operations (docs page, spec, schemas, traffic)',
});

export const DRIFT_RULES: readonly DriftRule[] = [
  row(
    'response',
    'field',
    'add',
    'non-breaking',
    'a new response field; consumers that ignore unknown fields are unaffected',
  ),
  row('response', 'field', 'remove', 'breaking', 'consumers reading this field get nothing'),
  row(
    'response',
    'field',
    'seen',
    'info',
    'seen in traffic but not documented: consumers may start relying on it',
  ),
  row(
    'response',
    'field',
    'unseen',
    'info',
    'documented, not seen in traffic: an optional field may be absent (a required one missing is drift.response-observed-required-violate)',
  ),
  row('response', 'required', 'add', 'non-breaking', 'now always present'),
  row(
    'response',
    'required',
    'remove',
    'breaking',
    'may now be absent: consumers that read it unconditionally fail',
  ),
  row('response', 'type', 'widen', 'breaking', 'the provider may send a type consumers do not parse'),
  row('response', 'type', 'narrow', 'non-breaking', 'the provider sends fewer types than before'),
  row('response', 'type', 'change', 'breaking', 'consumers parse it as the old type'),
  row('response', 'nullable', 'add', 'breaking', 'may now be null: consumers that assume a value fail'),
  row('response', 'nullable', 'remove', 'non-breaking', 'never null any more'),
  row('response', 'format', 'add', 'non-breaking', 'a format now constrains what the provider sends'),
  row('response', 'format', 'remove', 'breaking', 'values need no longer have the format consumers parse'),
  row('response', 'format', 'change', 'breaking', 'consumers parse or validate it by the old format'),
  row('response', 'pattern', 'narrow', 'non-breaking', 'the provider sends a subset of what it sent'),
  row(
    'response',
    'pattern',
    'widen',
    'breaking',
    'the provider may send values consumers validating against the old contract reject',
  ),
  row(
    'response',
    'pattern',
    'change',
    'breaking',
    'changed both ways: each side accepts values the other rejects',
  ),
  row(
    'response',
    'pattern',
    'rewrite',
    'info',
    'pattern text changed; the same strings match as far as sampling tells',
  ),
  row('response', 'bound', 'narrow', 'non-breaking', 'the provider sends a subset of what it sent'),
  row(
    'response',
    'bound',
    'widen',
    'breaking',
    'the provider may send values consumers validating against the old bound reject',
  ),
  row(
    'response',
    'enum',
    'widen',
    'breaking',
    'new values: consumers that switch over the old values meet unknown ones',
  ),
  row('response', 'enum', 'narrow', 'non-breaking', 'some values are no longer sent'),
  row(
    'response',
    'status',
    'add',
    'info',
    'a new error status; consumers should handle it like others of its class',
  ),
  row('response', 'status', 'remove', 'info', 'an error status is no longer documented or seen'),
  row(
    'response',
    'success-status',
    'remove',
    'breaking',
    'consumers that expect this success status (a create’s 201) treat the answer as a failure',
  ),
  row('response', 'success-status', 'add', 'non-breaking', 'another success status may answer'),
  row(
    'request',
    'operation',
    'remove',
    'breaking',
    'callers of this operation get 404s',
    'drift.operation-remove',
  ),
  row('request', 'operation', 'add', 'info', 'a new operation', 'drift.operation-add'),
  row(
    'response',
    'observed-format',
    'violate',
    'breaking',
    'documented with a format that not every value seen has: consumers parsing it fail',
  ),
  row(
    'response',
    'observed-format',
    'seen',
    'info',
    'every value seen had this format, which no source documents',
  ),
  row(
    'response',
    'observed-pattern',
    'violate',
    'breaking',
    'values seen in traffic fail every documented pattern: consumers validating by it reject real data',
  ),
  row(
    'response',
    'observed-type',
    'violate',
    'breaking',
    'values seen in traffic have a type (null included) the contract does not allow: consumers parsing by it fail',
  ),
  row(
    'response',
    'observed-bound',
    'violate',
    'breaking',
    'values seen in traffic break a documented bound: consumers validating by it reject real data',
  ),
  row(
    'response',
    'observed-enum',
    'violate',
    'breaking',
    'values seen in traffic are outside the documented values: consumers switching over them meet unknown ones',
  ),
  row(
    'response',
    'observed-required',
    'violate',
    'breaking',
    'a field a source requires was missing in traffic: consumers that read it unconditionally fail',
  ),
  row(
    'response',
    'observed-constraint',
    'violate',
    'breaking',
    'values seen in traffic break another constraint of the contract',
  ),
  // Last night's traffic against tonight's (nights.ts): what was observed, not what is documented.
  row(
    'response',
    'observed-field',
    'remove',
    'breaking',
    'on every item before, on none now: consumers reading it get nothing',
  ),
  row(
    'response',
    'observed-field',
    'rename',
    'breaking',
    'gone from every item while a field of the same type that no source documents appeared in its place: consumers reading the old name get nothing',
  ),
  row(
    'response',
    'observed-field',
    'narrow',
    'warning',
    'on every item before, missing from some now: consumers that read it unconditionally may fail',
  ),
  row(
    'response',
    'observed-type',
    'change',
    'breaking',
    'seen now with a type (null included) it never had before: consumers parsing it as before fail',
  ),
  row(
    'response',
    'observed-format',
    'remove',
    'breaking',
    'every value had this format before, not every value now: consumers parsing it fail',
  ),
  row('request', 'parameter', 'add', 'non-breaking', 'a new optional parameter'),
  row('request', 'parameter', 'remove', 'breaking', 'callers sending it lose what it did, or are rejected'),
  row('request', 'required', 'add', 'breaking', 'requests without it are now rejected'),
  row('request', 'required', 'remove', 'non-breaking', 'may now be left out'),
  row('request', 'type', 'widen', 'non-breaking', 'more types are accepted'),
  row('request', 'type', 'narrow', 'breaking', 'values callers send may now be rejected'),
  row('request', 'type', 'change', 'breaking', 'values callers send are now rejected'),
  row('request', 'nullable', 'add', 'non-breaking', 'null is now accepted'),
  row('request', 'nullable', 'remove', 'breaking', 'null is no longer accepted'),
  row('request', 'format', 'add', 'breaking', 'values without the format are now rejected'),
  row('request', 'format', 'remove', 'non-breaking', 'any value is accepted'),
  row('request', 'format', 'change', 'breaking', 'values in the old format are rejected'),
  row('request', 'pattern', 'narrow', 'breaking', 'requests that were valid are now rejected'),
  row('request', 'pattern', 'widen', 'non-breaking', 'more values are accepted'),
  row(
    'request',
    'pattern',
    'change',
    'breaking',
    'changed both ways: some values callers send are now rejected',
  ),
  row(
    'request',
    'pattern',
    'rewrite',
    'info',
    'pattern text changed; the same strings match as far as sampling tells',
  ),
  row('request', 'bound', 'narrow', 'breaking', 'requests that were valid are now rejected'),
  row('request', 'bound', 'widen', 'non-breaking', 'more values are accepted'),
  row('request', 'enum', 'widen', 'non-breaking', 'more values are accepted'),
  row('request', 'enum', 'narrow', 'breaking', 'requests using the removed values are rejected'),
];

export const ruleFor = (direction: Direction, subject: Subject, action: Action): DriftRule => {
  const found = DRIFT_RULES.find(
    (r) => r.direction === direction && r.subject === subject && r.action === action,
  );
  if (!found) throw new Error(`no drift rule for ${direction} ${subject} ${action}`);
  return found;
};

export const LEVEL_SEVERITY: Record<DriftLevel, Severity> = {
  breaking: 'error',
  warning: 'warning',
  'non-breaking': 'warning',
  info: 'info',
};
export const levelOf = (f: Finding): DriftLevel =>
  (DRIFT_RULES.find((r) => r.name === f.rule)?.level ?? 'info') as DriftLevel;
