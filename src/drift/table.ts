// Drift rules as a table, like oasdiff's checker/rules.go: each row names a change by direction
// (request or response), subject (what changed) and action (added, removed, widened, narrowed…) and
// carries its level and a one-line reason. One engine finds the changes between two sides; the row
// decides what a change means for a consumer. A request that accepts less breaks callers; a response
// that may send more breaks readers; the reverse of each does not.

import type { Finding, RuleInfo, Severity } from '../finding';
import { escapePointer } from '../json';
import { type JsonSchema, schemaTypes } from '../model/json-schema';
import { comparePatterns } from './patterns';

export type DriftLevel = 'breaking' | 'non-breaking' | 'info';
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
  | 'observed-constraint';
export type Action =
  | 'add'
  | 'remove'
  | 'widen'
  | 'narrow'
  | 'change'
  | 'rewrite'
  | 'violate'
  | 'seen'
  | 'unseen';

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

const ruleFor = (direction: Direction, subject: Subject, action: Action): DriftRule => {
  const found = DRIFT_RULES.find(
    (r) => r.direction === direction && r.subject === subject && r.action === action,
  );
  if (!found) throw new Error(`no drift rule for ${direction} ${subject} ${action}`);
  return found;
};

export const LEVEL_SEVERITY: Record<DriftLevel, Severity> = {
  breaking: 'error',
  'non-breaking': 'warning',
  info: 'info',
};
export const levelOf = (f: Finding): DriftLevel =>
  (DRIFT_RULES.find((r) => r.name === f.rule)?.level ?? 'info') as DriftLevel;

/** One operation as a drift source sees it. */
export interface DriftOperation {
  /** The path with parameter names erased: how two sides' operations are matched. */
  key: string;
  label: string;
  instance?: JsonSchema;
  meta?: JsonSchema;
  /** The meta schema comes from Twilio's convention, not the source's own text: compared for presence only. */
  metaConventional?: boolean;
  query?: JsonSchema;
  path?: JsonSchema;
  statuses?: string[];
  /** A spec side: header parameters, the request body per media type, each status's body. */
  header?: JsonSchema;
  requestBody?: Record<string, JsonSchema>;
  responses?: Record<string, JsonSchema | undefined>;
  /** Traffic: the 2xx bodies seen (list pages or instances), judged by the other side's contract. */
  bodies?: Iterable<unknown>;
  /** A list: the array that holds its items (pointers into it are folded to the item). */
  itemsKey?: string;
}

/** A constraint of the contract a body breaks, as conformance's response.schema and fields-present see it. */
export interface BodyViolation {
  pointer: string;
  keyword: string;
  expected?: unknown;
  actual?: unknown;
  source: string;
}

export interface DriftSide {
  label: string;
  /** spec: any OpenAPI document at full depth (every method, request bodies, every status). */
  kind: 'docs' | 'openapi' | 'schemas' | 'traffic' | 'spec';
  operations: DriftOperation[];
  /** A contract side: the errors the resolved contract finds in a body of the operation with this key. */
  validate?: (key: string, body: unknown) => readonly BodyViolation[];
}

interface Ctx {
  emit: (
    direction: Direction,
    subject: Subject,
    action: Action,
    where: string,
    from?: unknown,
    to?: unknown,
    detail?: string,
  ) => void;
  traffic: boolean;
  /** Traffic whose bodies the contract judged: constraints are not inferred again from samples. */
  judged: boolean;
  presenceOnly: boolean;
  /** Two whole specs: a nested object one side leaves undescribed is a change, not silence. */
  whole?: boolean;
}

/** Every classified change from side A to side B, as findings of the drift rules. */
export function diffSides(a: DriftSide, b: DriftSide): Finding[] {
  const out: Finding[] = [];
  const traffic = b.kind === 'traffic';
  // Two whole specs: an operation one has and the other lacks is a change; other sources describe
  // part of an API (a docs page, what traffic reached), so a missing operation says nothing there.
  const whole = a.kind === 'spec' && b.kind === 'spec';
  const emitter =
    (label: string): Ctx['emit'] =>
    (direction, subject, action, where, from, to, detail) => {
      const r = ruleFor(direction, subject, action);
      out.push({
        rule: r.name,
        severity: LEVEL_SEVERITY[r.level],
        category: 'contract',
        operation: label,
        source: `${a.label} → ${b.label}`,
        pointer: where,
        ...(from !== undefined ? { expected: from } : {}),
        ...(to !== undefined ? { actual: to } : {}),
        message: `${where}: ${r.level}: ${detail ? `${detail}: ` : ''}${r.reason}`,
      });
    };
  if (whole) {
    const keysB = new Set(b.operations.map((o) => o.key));
    const keysA = new Set(a.operations.map((o) => o.key));
    for (const opA of a.operations)
      if (!keysB.has(opA.key)) emitter(opA.label)('request', 'operation', 'remove', '', opA.label, undefined);
    for (const opB of b.operations)
      if (!keysA.has(opB.key)) emitter(opB.label)('request', 'operation', 'add', '', undefined, opB.label);
  }
  for (const opB of b.operations) {
    const opA = a.operations.find((o) => o.key === opB.key);
    if (!opA) continue;
    const emit = emitter(opA.label);
    const judged = traffic && opB.bodies !== undefined && a.validate !== undefined;
    const ctx: Ctx = { emit, traffic, judged, presenceOnly: false, whole };
    const seenObjects = (s: JsonSchema | undefined) =>
      (s?.['x-observed'] as { objects?: number } | undefined)?.objects;
    if (judged && a.validate) judgeBodies(opA.key, opB, a.validate, emit);
    if (opA.responses && opB.responses) {
      // Each success status both document: its body, at full depth.
      for (const status of Object.keys(opB.responses).filter((s) => /^2/.test(s))) {
        const ra = opA.responses[status];
        const rb = opB.responses[status];
        if (ra && rb) compareSchema('response', '', ra, rb, ctx);
      }
    } else if (opA.instance && opB.instance && seenObjects(opB.instance) !== 0)
      compareObject('response', '', opA.instance, opB.instance, ctx);
    if (opA.meta && opB.meta)
      compareObject('response', '/meta', opA.meta, opB.meta, {
        ...ctx,
        presenceOnly: Boolean(opA.metaConventional || opB.metaConventional),
      });
    for (const role of ['query', 'path', 'header'] as const) {
      const pa = opA[role];
      const pb = opB[role];
      if (traffic) continue;
      // A whole spec that documents no parameter of this kind has none; another source, say a docs
      // page, may simply not describe them.
      if (whole ? pa || pb : pa && pb)
        compareObject('request', `/${role}`, pa ?? { properties: {} }, pb ?? { properties: {} }, ctx);
    }
    if (opA.requestBody && opB.requestBody) {
      const media = Object.keys(opA.requestBody).filter((m) => opB.requestBody?.[m]);
      for (const m of media) {
        const where = media.length > 1 ? `/body/${escapePointer(m)}` : '/body';
        compareSchema(
          'request',
          where,
          opA.requestBody[m] as JsonSchema,
          opB.requestBody[m] as JsonSchema,
          ctx,
        );
      }
    } else if (opA.requestBody && !opB.requestBody && whole) emit('request', 'parameter', 'remove', '/body');
    else if (!opA.requestBody && opB.requestBody && whole) {
      const required = Object.values(opB.requestBody).some((s) => (s.required ?? []).length > 0);
      if (required) emit('request', 'required', 'add', '/body', undefined, 'required');
    }
    if (opA.statuses && opB.statuses) {
      const success = (s: string) => /^2/.test(s);
      const added = opB.statuses.filter((x) => !opA.statuses?.includes(x));
      const removed = opA.statuses.filter((x) => !opB.statuses?.includes(x));
      // Traffic answering 4xx/5xx follows Twilio's error convention, and traffic not showing a status
      // says nothing of its removal: only documented sources add or remove success statuses.
      for (const s of added)
        if (!traffic)
          emit('response', success(s) ? 'success-status' : 'status', 'add', `/status/${s}`, undefined, s);
      for (const s of removed)
        emit(
          'response',
          success(s) && !traffic ? 'success-status' : 'status',
          'remove',
          `/status/${s}`,
          s,
          undefined,
        );
    }
  }
  return out;
}

/** Which observed-* row a contract keyword's violation belongs to. */
const OBSERVED_SUBJECT: Record<string, Subject> = {
  type: 'observed-type',
  format: 'observed-format',
  pattern: 'observed-pattern',
  'x-any-pattern': 'observed-pattern',
  minimum: 'observed-bound',
  maximum: 'observed-bound',
  exclusiveMinimum: 'observed-bound',
  exclusiveMaximum: 'observed-bound',
  minLength: 'observed-bound',
  maxLength: 'observed-bound',
  minItems: 'observed-bound',
  maxItems: 'observed-bound',
  enum: 'observed-enum',
  const: 'observed-enum',
  required: 'observed-required',
};

/**
 * Every body traffic showed, judged by the contract itself: each constraint it breaks is one
 * breaking change at its pointer (items of a list folded to one), so drift over traffic and
 * conformance over the same bodies always agree.
 */
function judgeBodies(
  key: string,
  op: DriftOperation,
  validate: NonNullable<DriftSide['validate']>,
  emit: Ctx['emit'],
): void {
  const found = new Map<string, { v: BodyViolation; values: unknown[] }>();
  const items = op.itemsKey ? new RegExp(`^/${escapeRe(op.itemsKey)}/\\d+(?=/|$)`) : undefined;
  for (const body of op.bodies ?? []) {
    for (const v of validate(key, body)) {
      const pointer = (items ? v.pointer.replace(items, '') : v.pointer).replace(/\/\d+(?=\/|$)/g, '/*');
      const id = `${pointer}\u0000${v.keyword}`;
      const prior = found.get(id);
      if (!prior) found.set(id, { v: { ...v, pointer }, values: v.actual === undefined ? [] : [v.actual] });
      else if (v.actual !== undefined && prior.values.length < 3 && !prior.values.includes(v.actual))
        prior.values.push(v.actual);
    }
  }
  for (const { v, values } of found.values()) {
    const subject = OBSERVED_SUBJECT[v.keyword] ?? 'observed-constraint';
    emit(
      'response',
      subject,
      'violate',
      v.pointer,
      v.expected ?? v.keyword,
      v.keyword === 'required' ? 'missing' : values,
      `${v.keyword} (${v.source})`,
    );
  }
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const nonNull = (t: string[]) => t.filter((x) => x !== 'null').sort();
/** integer ⊂ number */
const covers = (big: string[], small: string[]) =>
  small.every((t) => big.includes(t) || (t === 'integer' && big.includes('number')));

/** Any two schemas at one place: the value's own constraints, then its fields or items, recursively. */
function compareSchema(
  direction: Direction,
  where: string,
  a: JsonSchema,
  b: JsonSchema,
  ctx: Ctx,
  depth = 0,
): void {
  if (where) compareField(direction, where, a, b, ctx);
  if (ctx.traffic || depth > 32) return;
  // Below the top, a source that does not describe an object's fields (a docs table lists only the
  // top level) says nothing of them; between two whole specs it does.
  const nested = where !== '' && !ctx.whole;
  if (nested ? a.properties && b.properties : a.properties || b.properties)
    compareObject(direction, where, a, b, ctx, depth);
  if (a.items && b.items) compareSchema(direction, `${where}/*`, a.items, b.items, ctx, depth + 1);
}

function compareObject(
  direction: Direction,
  prefix: string,
  a: JsonSchema,
  b: JsonSchema,
  ctx: Ctx,
  depth = 0,
): void {
  const pa = a.properties ?? {};
  const pb = b.properties ?? {};
  const reqA = new Set(a.required ?? []);
  const reqB = new Set(b.required ?? []);
  const response = direction === 'response';
  for (const name of Object.keys(pb)) {
    if (Object.hasOwn(pa, name)) continue;
    if (response) ctx.emit('response', 'field', ctx.traffic ? 'seen' : 'add', `${prefix}/${name}`);
    else if (reqB.has(name))
      ctx.emit('request', 'required', 'add', `${prefix}/${name}`, undefined, 'required');
    else ctx.emit('request', 'parameter', 'add', `${prefix}/${name}`);
  }
  for (const name of Object.keys(pa)) {
    if (Object.hasOwn(pb, name)) continue;
    // Traffic that never showed a field says nothing of its removal: absent is what optional means.
    if (ctx.traffic) ctx.emit('response', 'field', 'unseen', `${prefix}/${name}`, 'documented, not seen');
    else ctx.emit(direction, response ? 'field' : 'parameter', 'remove', `${prefix}/${name}`);
  }
  if (ctx.presenceOnly) return;
  for (const name of Object.keys(pa)) {
    const fa = pa[name];
    const fb = pb[name];
    if (!fa || !fb || !Object.hasOwn(pb, name)) continue;
    const where = `${prefix}/${name}`;
    if (reqA.has(name) !== reqB.has(name) && !ctx.traffic)
      ctx.emit(direction, 'required', reqB.has(name) ? 'add' : 'remove', where);
    // Nested objects and arrays, down to every leaf (traffic's inferred schemas are one level deep).
    if (ctx.traffic) compareField(direction, where, fa, fb, ctx);
    else compareSchema(direction, where, fa, fb, ctx, depth + 1);
  }
}

function compareField(direction: Direction, where: string, a: JsonSchema, b: JsonSchema, ctx: Ctx): void {
  const ta = nonNull(schemaTypes(a));
  const tb = nonNull(schemaTypes(b));
  if (ta.length && tb.length && JSON.stringify(ta) !== JSON.stringify(tb) && !ctx.traffic) {
    const action: Action = covers(tb, ta) ? 'widen' : covers(ta, tb) ? 'narrow' : 'change';
    ctx.emit(direction, 'type', action, where, ta, tb);
  }
  // A type removed: any value may now come (a response) or be sent (a request).
  if (ta.length && !schemaTypes(b).length && !ctx.traffic && !b.properties && !b.items)
    ctx.emit(direction, 'type', 'widen', where, ta, undefined, 'the type is gone');
  // Null by Twilio's convention for unset strings (x-unset) is on both sides alike: not a change.
  const na = schemaTypes(a).includes('null') && !a['x-unset'];
  const nb = schemaTypes(b).includes('null') && !b['x-unset'];
  if (na !== nb && schemaTypes(a).length && schemaTypes(b).length && !ctx.traffic)
    ctx.emit(direction, 'nullable', nb ? 'add' : 'remove', where, schemaTypes(a), schemaTypes(b));

  if (ctx.traffic) {
    // Bodies the contract judged were compared constraint by constraint already (judgeBodies).
    if (ctx.judged) return;
    // B is what traffic showed: only a documented constraint that the values broke is breaking.
    if (a.format !== undefined && b.format !== a.format && schemaTypes(b).includes('string'))
      ctx.emit('response', 'observed-format', 'violate', where, a.format, b.format ?? 'not every value');
    if (a.format === undefined && b.format !== undefined)
      ctx.emit('response', 'observed-format', 'seen', where, undefined, b.format);
    const samples = examplesOf(b);
    const patterns = patternsOf(a);
    if (patterns.length && samples.length) {
      const failing = samples.filter((s) => !patterns.some((p) => safeTest(p, s)));
      if (failing.length)
        ctx.emit('response', 'observed-pattern', 'violate', where, patterns, failing.slice(0, 3));
    }
    return;
  }
  if (a.format !== b.format) {
    const action: Action = a.format === undefined ? 'add' : b.format === undefined ? 'remove' : 'change';
    ctx.emit(direction, 'format', action, where, a.format, b.format);
  }
  if (a.pattern !== b.pattern && typeof (a.pattern ?? b.pattern) === 'string') {
    const cmp = comparePatterns(a.pattern, b.pattern, examplesOf(a), examplesOf(b));
    const witness = [
      ...cmp.onlyOld.slice(0, 2).map((s) => `${JSON.stringify(s)} only old`),
      ...cmp.onlyNew.slice(0, 2).map((s) => `${JSON.stringify(s)} only new`),
    ].join(', ');
    const detail = cmp.bounded ? 'incomparable (bound reached)' : witness ? `e.g. ${witness}` : undefined;
    const action: Action =
      cmp.relation === 'equivalent'
        ? 'rewrite'
        : cmp.relation === 'narrowed'
          ? 'narrow'
          : cmp.relation === 'widened'
            ? 'widen'
            : 'change';
    ctx.emit(direction, 'pattern', action, where, a.pattern, b.pattern, detail);
  }
  for (const [low, high] of [
    ['minimum', 'maximum'],
    ['minLength', 'maxLength'],
    ['minItems', 'maxItems'],
  ] as const) {
    for (const key of [low, high]) {
      const va = a[key];
      const vb = b[key];
      if (va === vb) continue;
      const narrowed = vb !== undefined && (va === undefined || (key === low ? vb > va : vb < va));
      ctx.emit(
        direction,
        'bound',
        narrowed ? 'narrow' : 'widen',
        `${where}/${key}`,
        va,
        vb,
        `${key} ${va ?? 'none'} → ${vb ?? 'none'}`,
      );
    }
  }
  const ea = (a.enum ?? []).map(String);
  const eb = (b.enum ?? []).map(String);
  if (ea.length || eb.length) {
    const added = eb.filter((v) => !ea.includes(v));
    const removed = ea.filter((v) => !eb.includes(v));
    if (ea.length === 0)
      ctx.emit(direction, 'enum', 'narrow', where, undefined, eb, 'an enum now constrains it');
    else if (eb.length === 0) ctx.emit(direction, 'enum', 'widen', where, ea, undefined, 'the enum is gone');
    else {
      if (added.length)
        ctx.emit(direction, 'enum', 'widen', where, ea, eb, `values ${added.join(', ')} added`);
      if (removed.length)
        ctx.emit(direction, 'enum', 'narrow', where, ea, eb, `values ${removed.join(', ')} removed`);
    }
  }
}

const samplesOf = (s: JsonSchema | undefined): string[] =>
  ((s?.['x-observed'] as { samples?: unknown[] } | undefined)?.samples ?? []).filter(
    (x): x is string => typeof x === 'string',
  );
const examplesOf = (s: JsonSchema | undefined): string[] => [
  ...samplesOf(s),
  ...(typeof s?.default === 'string' ? [s.default] : []),
  ...((s?.enum ?? []).filter((e) => typeof e === 'string') as string[]),
];
/** A resolved schema may accept either of two sources' patterns (x-any-pattern). */
const patternsOf = (s: JsonSchema): string[] => {
  const any = s['x-any-pattern'];
  if (Array.isArray(any)) return any.filter((p): p is string => typeof p === 'string');
  return typeof s.pattern === 'string' ? [s.pattern] : [];
};
function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value.slice(0, 512));
  } catch {
    return true;
  }
}
