// The engine: every change from one drift side to another, each classified by its row of the table
// (table.ts). Two specs are compared whole; a docs page or a contract against a spec or traffic per
// operation both describe; traffic against the contract by judging its bodies; traffic against
// traffic by what was observed (nights.ts).

import type { Finding } from '../finding';
import { escapePointer } from '../json';
import { type JsonSchema, schemaTypes } from '../model/json-schema';
import { compareNights } from './nights';
import { comparePatterns } from './patterns';
import type { BodyViolation, DriftOperation, DriftSide, Emit } from './side';
import { type Action, type Direction, LEVEL_SEVERITY, ruleFor, type Subject } from './table';

interface Ctx {
  emit: Emit;
  traffic: boolean;
  /** Traffic whose bodies the contract judged: constraints are not inferred again from samples. */
  judged: boolean;
  presenceOnly: boolean;
  /** Two whole specs: a nested object one side leaves undescribed is a change, not silence. */
  whole?: boolean;
}

export interface DiffOptions {
  /** Traffic against traffic: the fields some source documents for an operation (by its key). */
  documented?: (key: string) => ReadonlySet<string> | undefined;
}

/** Every classified change from side A to side B, as findings of the drift rules. */
export function diffSides(a: DriftSide, b: DriftSide, options: DiffOptions = {}): Finding[] {
  const out: Finding[] = [];
  const emitter =
    (label: string): Emit =>
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
  // Two whole specs: an operation one has and the other lacks is a change; other sources describe
  // part of an API (a docs page, what traffic reached), so a missing operation says nothing there.
  const whole = a.kind === 'spec' && b.kind === 'spec';
  if (whole) operationsAddedOrRemoved(a, b, emitter);
  const byKey = new Map(a.operations.map((o) => [o.key, o]));
  for (const opB of b.operations) {
    const opA = byKey.get(opB.key);
    if (!opA) continue;
    const emit = emitter(opA.label);
    if (a.kind === 'traffic' && b.kind === 'traffic') {
      compareNights(opA, opB, emit, options.documented?.(opA.key));
      continue;
    }
    const traffic = b.kind === 'traffic';
    const judged = traffic && opB.bodies !== undefined && a.validate !== undefined;
    if (judged && a.validate) judgeBodies(opA.key, opB, a.validate, emit);
    const ctx: Ctx = { emit, traffic, judged, presenceOnly: false, whole };
    compareAnswers(opA, opB, ctx);
    if (!traffic) compareRequests(opA, opB, ctx);
    compareStatuses(opA, opB, ctx);
  }
  return out;
}

/** Which operations two sides both describe (by key), and which only one does. */
export function comparedOperations(
  a: DriftSide,
  b: DriftSide,
): { both: string[]; onlyFrom: string[]; onlyTo: string[] } {
  const keysA = new Set(a.operations.map((o) => o.key));
  const keysB = new Set(b.operations.map((o) => o.key));
  return {
    both: a.operations.filter((o) => keysB.has(o.key)).map((o) => o.label),
    onlyFrom: a.operations.filter((o) => !keysB.has(o.key)).map((o) => o.label),
    onlyTo: b.operations.filter((o) => !keysA.has(o.key)).map((o) => o.label),
  };
}

function operationsAddedOrRemoved(a: DriftSide, b: DriftSide, emitter: (label: string) => Emit): void {
  const keysB = new Set(b.operations.map((o) => o.key));
  const keysA = new Set(a.operations.map((o) => o.key));
  for (const opA of a.operations)
    if (!keysB.has(opA.key)) emitter(opA.label)('request', 'operation', 'remove', '', opA.label, undefined);
  for (const opB of b.operations)
    if (!keysA.has(opB.key)) emitter(opB.label)('request', 'operation', 'add', '', undefined, opB.label);
}

/** What the operation answers: each success status's body both document, else its instance; list meta. */
function compareAnswers(opA: DriftOperation, opB: DriftOperation, ctx: Ctx): void {
  const seenObjects = (s: JsonSchema | undefined) =>
    (s?.['x-observed'] as { objects?: number } | undefined)?.objects;
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
}

/** What the operation takes: path, query and header parameters, and its request body per media type. */
function compareRequests(opA: DriftOperation, opB: DriftOperation, ctx: Ctx): void {
  for (const role of ['query', 'path', 'header'] as const) {
    const pa = opA[role];
    const pb = opB[role];
    // A whole spec that documents no parameter of this kind has none; another source, say a docs
    // page, may simply not describe them.
    if (ctx.whole ? pa || pb : pa && pb)
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
  } else if (opA.requestBody && !opB.requestBody && ctx.whole)
    ctx.emit('request', 'parameter', 'remove', '/body');
  else if (!opA.requestBody && opB.requestBody && ctx.whole) {
    const required = Object.values(opB.requestBody).some((s) => (s.required ?? []).length > 0);
    if (required) ctx.emit('request', 'required', 'add', '/body', undefined, 'required');
  }
}

function compareStatuses(opA: DriftOperation, opB: DriftOperation, ctx: Ctx): void {
  if (!opA.statuses || !opB.statuses) return;
  const success = (s: string) => /^2/.test(s);
  const added = opB.statuses.filter((x) => !opA.statuses?.includes(x));
  const removed = opA.statuses.filter((x) => !opB.statuses?.includes(x));
  // Traffic answering 4xx/5xx follows Twilio's error convention, and traffic not showing a status
  // says nothing of its removal: only documented sources add or remove success statuses.
  for (const s of added)
    if (!ctx.traffic)
      ctx.emit('response', success(s) ? 'success-status' : 'status', 'add', `/status/${s}`, undefined, s);
  for (const s of removed)
    ctx.emit(
      'response',
      success(s) && !ctx.traffic ? 'success-status' : 'status',
      'remove',
      `/status/${s}`,
      s,
    );
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

/** One value's own constraints: type and nullability, then (documented sides) format, pattern, bounds, values. */
function compareField(direction: Direction, where: string, a: JsonSchema, b: JsonSchema, ctx: Ctx): void {
  if (ctx.traffic) {
    // Bodies the contract judged were compared constraint by constraint already (judgeBodies).
    if (!ctx.judged) compareObservedField(where, a, b, ctx);
    return;
  }
  compareTypes(direction, where, a, b, ctx);
  if (a.format !== b.format) {
    const action: Action = a.format === undefined ? 'add' : b.format === undefined ? 'remove' : 'change';
    ctx.emit(direction, 'format', action, where, a.format, b.format);
  }
  comparePattern(direction, where, a, b, ctx);
  compareBounds(direction, where, a, b, ctx);
  compareEnum(direction, where, a, b, ctx);
}

function compareTypes(direction: Direction, where: string, a: JsonSchema, b: JsonSchema, ctx: Ctx): void {
  const ta = nonNull(schemaTypes(a));
  const tb = nonNull(schemaTypes(b));
  if (ta.length && tb.length && JSON.stringify(ta) !== JSON.stringify(tb)) {
    const action: Action = covers(tb, ta) ? 'widen' : covers(ta, tb) ? 'narrow' : 'change';
    ctx.emit(direction, 'type', action, where, ta, tb);
  }
  // A type removed: any value may now come (a response) or be sent (a request).
  if (ta.length && !schemaTypes(b).length && !b.properties && !b.items)
    ctx.emit(direction, 'type', 'widen', where, ta, undefined, 'the type is gone');
  // Null by Twilio's convention for unset strings (x-unset) is on both sides alike: not a change.
  const na = schemaTypes(a).includes('null') && !a['x-unset'];
  const nb = schemaTypes(b).includes('null') && !b['x-unset'];
  if (na !== nb && schemaTypes(a).length && schemaTypes(b).length)
    ctx.emit(direction, 'nullable', nb ? 'add' : 'remove', where, schemaTypes(a), schemaTypes(b));
}

/** B is what traffic showed: only a documented constraint that the values broke is breaking. */
function compareObservedField(where: string, a: JsonSchema, b: JsonSchema, ctx: Ctx): void {
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
}

function comparePattern(direction: Direction, where: string, a: JsonSchema, b: JsonSchema, ctx: Ctx): void {
  if (a.pattern === b.pattern || typeof (a.pattern ?? b.pattern) !== 'string') return;
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

function compareBounds(direction: Direction, where: string, a: JsonSchema, b: JsonSchema, ctx: Ctx): void {
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
      const detail = `${key} ${va ?? 'none'} → ${vb ?? 'none'}`;
      ctx.emit(direction, 'bound', narrowed ? 'narrow' : 'widen', `${where}/${key}`, va, vb, detail);
    }
  }
}

function compareEnum(direction: Direction, where: string, a: JsonSchema, b: JsonSchema, ctx: Ctx): void {
  const ea = (a.enum ?? []).map(String);
  const eb = (b.enum ?? []).map(String);
  if (!ea.length && !eb.length) return;
  const added = eb.filter((v) => !ea.includes(v));
  const removed = ea.filter((v) => !eb.includes(v));
  if (ea.length === 0)
    ctx.emit(direction, 'enum', 'narrow', where, undefined, eb, 'an enum now constrains it');
  else if (eb.length === 0) ctx.emit(direction, 'enum', 'widen', where, ea, undefined, 'the enum is gone');
  else {
    if (added.length) ctx.emit(direction, 'enum', 'widen', where, ea, eb, `values ${added.join(', ')} added`);
    if (removed.length)
      ctx.emit(direction, 'enum', 'narrow', where, ea, eb, `values ${removed.join(', ')} removed`);
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
