// Drift between two sources, per operation and field, each change classified from a consumer's
// point of view with a one-line reason. Nothing here names a field: the same rules apply to every
// property, parameter and status.

import type { JsonSchema } from '../derive/json-schema';
import type { DriftModel } from './model';
import { comparePatterns } from './patterns';

export type DriftClass = 'breaking' | 'non-breaking' | 'info';

export interface DriftChange {
  operation: string;
  location: 'response' | 'query' | 'path' | 'status';
  field: string;
  change: string;
  from?: unknown;
  to?: unknown;
  class: DriftClass;
  reason: string;
}

type Where = 'response' | 'query' | 'path';

const types = (s: JsonSchema | undefined): string[] => {
  const t = s?.type;
  return (Array.isArray(t) ? t : t ? [t] : []).slice().sort();
};
const samplesOf = (s: JsonSchema | undefined): string[] =>
  ((s?.['x-observed'] as { samples?: string[] } | undefined)?.samples ?? []).filter(
    (x) => typeof x === 'string',
  );
const examplesOf = (s: JsonSchema | undefined): string[] => [
  ...samplesOf(s),
  ...(typeof s?.default === 'string' ? [s.default] : []),
  ...((s?.enum ?? []).filter((e) => typeof e === 'string') as string[]),
];

export function diffModels(a: DriftModel, b: DriftModel): DriftChange[] {
  const out: DriftChange[] = [];
  const fetchOp = `GET ${b.set.fetchPath || a.set.fetchPath}`;
  const listOp = `GET ${b.set.listPath || a.set.listPath}`;
  const observedOnly = (m: DriftModel) => m.kind === 'traffic';
  const ctx = { fromTraffic: observedOnly(a), toTraffic: observedOnly(b) };

  const objects = (m: DriftModel) =>
    (m.set.schemas.resource['x-observed'] as { objects?: number } | undefined)?.objects;
  const skipResource = objects(a) === 0 || objects(b) === 0;
  if (!skipResource)
    compareObjects(out, fetchOp, 'response', '', a.set.schemas.resource, b.set.schemas.resource, ctx);
  const metaA = a.set.schemas.list?.properties?.meta;
  const metaB = b.set.schemas.list?.properties?.meta;
  // The envelope is only compared for what both sides themselves state: a side whose meta comes
  // from Twilio's convention (not from its own text) contributes field presence, no constraints.
  if (metaA && metaB) {
    const conventional = fromConventionOnly(metaA) || fromConventionOnly(metaB);
    compareObjects(out, listOp, 'response', 'meta.', metaA, metaB, { ...ctx, presenceOnly: conventional });
  }
  for (const [role, where, op] of [
    ['listQuery', 'query', listOp],
    ['fetchPath', 'path', fetchOp],
  ] as const) {
    const pa = a.set.schemas[role];
    const pb = b.set.schemas[role];
    if (pa && pb) compareObjects(out, op, where, '', pa, pb, ctx);
  }
  if (a.statuses && b.statuses) {
    for (const op of new Set([...Object.keys(a.statuses), ...Object.keys(b.statuses)])) {
      const sa = a.statuses[op] ?? [];
      const sb = b.statuses[op] ?? [];
      for (const s of sb.filter((x) => !sa.includes(x))) {
        out.push({
          operation: op,
          location: 'status',
          field: s,
          change: 'status-added',
          to: s,
          class: /^2/.test(s) ? 'info' : 'non-breaking',
          reason: `${op} now ${ctx.toTraffic ? 'answered' : 'documents'} ${s}; consumers should handle it like other ${s[0]}xx responses`,
        });
      }
      for (const s of sa.filter((x) => !sb.includes(x))) {
        out.push({
          operation: op,
          location: 'status',
          field: s,
          change: 'status-removed',
          from: s,
          class: 'info',
          reason: `${op} no longer ${ctx.toTraffic ? 'answered' : 'documents'} ${s}`,
        });
      }
    }
  }
  return out;
}

interface Ctx {
  fromTraffic: boolean;
  toTraffic: boolean;
  presenceOnly?: boolean;
}

function fromConventionOnly(schema: JsonSchema): boolean {
  const src = schema['x-source'];
  const all = Array.isArray(src) ? src : src ? [src] : [];
  return all.length > 0 && all.every((p) => p.source === 'twilio-convention');
}

function compareObjects(
  out: DriftChange[],
  operation: string,
  where: Where,
  prefix: string,
  a: JsonSchema,
  b: JsonSchema,
  ctx: Ctx,
) {
  const pa = a.properties ?? {};
  const pb = b.properties ?? {};
  const reqA = new Set(a.required ?? []);
  const reqB = new Set(b.required ?? []);
  const push: Push = (field, change, cls, reason, from, to) =>
    out.push({
      operation,
      location: where,
      field: prefix + field,
      change,
      class: cls,
      reason,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    });
  const isResponse = where === 'response';

  for (const name of Object.keys(pb)) {
    if (name in pa) continue;
    if (isResponse)
      push(
        name,
        'field-added',
        ctx.toTraffic ? 'info' : 'non-breaking',
        ctx.toTraffic
          ? 'seen in traffic but not documented: consumers may start relying on it'
          : 'a new response field; consumers that ignore unknown fields are unaffected',
      );
    else
      push(
        name,
        'parameter-added',
        reqB.has(name) ? 'breaking' : 'non-breaking',
        reqB.has(name)
          ? 'a new required parameter: requests without it are rejected'
          : 'a new optional parameter',
      );
  }
  for (const name of Object.keys(pa)) {
    if (name in pb) continue;
    if (isResponse)
      push(
        name,
        'field-removed',
        'breaking',
        ctx.toTraffic
          ? 'documented but never seen in traffic: consumers reading it get nothing'
          : 'consumers reading this field get nothing',
      );
    else
      push(name, 'parameter-removed', 'breaking', 'consumers sending it lose what it did, or are rejected');
  }
  for (const name of Object.keys(pa)) {
    const fa = pa[name];
    const fb = pb[name];
    if (!fa || !fb || ctx.presenceOnly) continue;
    if (reqA.has(name) !== reqB.has(name) && !(ctx.fromTraffic || ctx.toTraffic)) {
      const added = reqB.has(name);
      if (isResponse)
        push(
          name,
          added ? 'required-added' : 'required-removed',
          added ? 'non-breaking' : 'breaking',
          added ? 'now always present' : 'may now be absent: consumers that read it unconditionally fail',
        );
      else
        push(
          name,
          added ? 'required-added' : 'required-removed',
          added ? 'breaking' : 'non-breaking',
          added ? 'requests without it are now rejected' : 'may now be left out',
        );
    }
    compareField(name, fa, fb, isResponse, ctx, push);
  }
}

type Push = (
  field: string,
  change: string,
  cls: DriftClass,
  reason: string,
  from?: unknown,
  to?: unknown,
) => void;

function compareField(name: string, a: JsonSchema, b: JsonSchema, response: boolean, ctx: Ctx, push: Push) {
  const ta = types(a);
  const tb = types(b);
  const nonNull = (t: string[]) => t.filter((x) => x !== 'null');
  if (
    JSON.stringify(nonNull(ta)) !== JSON.stringify(nonNull(tb)) &&
    nonNull(ta).length &&
    nonNull(tb).length
  ) {
    push(
      name,
      'type-changed',
      'breaking',
      `type ${nonNull(ta).join('|')} became ${nonNull(tb).join('|')}: consumers parse it as the old type`,
      nonNull(ta),
      nonNull(tb),
    );
  }
  if (ta.includes('null') !== tb.includes('null') && ta.length && tb.length) {
    const nowNullable = tb.includes('null');
    push(
      name,
      nowNullable ? 'nullable-added' : 'nullable-removed',
      response === nowNullable ? 'breaking' : 'non-breaking',
      nowNullable
        ? response
          ? 'may now be null: consumers that assume a value fail'
          : 'may now be sent as null'
        : response
          ? 'never null any more'
          : 'null is no longer accepted',
      ta,
      tb,
    );
  }
  if (a.format !== b.format) {
    const observedSide =
      (b.format === undefined ? false : ctx.toTraffic) || (a.format === undefined ? false : ctx.fromTraffic);
    if (
      observedSide &&
      (a.format === undefined || b.format === undefined) &&
      !(b.format === undefined && ctx.toTraffic)
    ) {
      push(
        name,
        'format-seen',
        'info',
        `every value seen had format ${b.format ?? a.format}`,
        a.format,
        b.format,
      );
    } else if (b.format === undefined && ctx.toTraffic) {
      push(
        name,
        'format-violated',
        'breaking',
        `documented as ${a.format}, but not every value seen is one: consumers parsing it as ${a.format} fail`,
        a.format,
        undefined,
      );
    } else {
      push(
        name,
        'format-changed',
        'breaking',
        `format ${a.format ?? 'none'} became ${b.format ?? 'none'}: consumers parse or validate it by the old one`,
        a.format,
        b.format,
      );
    }
  }
  if (a.pattern !== b.pattern && typeof (a.pattern ?? b.pattern) === 'string') {
    const cmp = comparePatterns(a.pattern, b.pattern, examplesOf(a), examplesOf(b));
    const witness =
      cmp.onlyOld.length || cmp.onlyNew.length
        ? ` (e.g. ${[...cmp.onlyOld.map((s) => `${JSON.stringify(s)} only old`), ...cmp.onlyNew.map((s) => `${JSON.stringify(s)} only new`)].slice(0, 2).join(', ')})`
        : '';
    if (cmp.relation === 'equivalent') {
      if (!(b.pattern === undefined && ctx.toTraffic))
        push(
          name,
          'pattern-rewritten',
          'info',
          `pattern text changed; the same strings match as far as ${cmp.tested} samples tell`,
          a.pattern,
          b.pattern,
        );
    } else if (b.pattern === undefined && ctx.toTraffic) {
      push(
        name,
        'pattern-violated',
        'breaking',
        `values seen in traffic fail the documented pattern${witness}: consumers validating by it reject real data`,
        a.pattern,
        cmp.onlyNew,
      );
    } else {
      const reason = {
        narrowed: response
          ? 'narrowed: consumers validating against the new contract reject values the old one allowed'
          : 'narrowed: requests that were valid are now rejected',
        widened: response
          ? 'widened: the provider may send values that consumers validating against the old contract reject'
          : 'widened: more values are accepted',
        incomparable: 'changed both ways: each side accepts values the other rejects',
      }[cmp.relation];
      push(
        name,
        `pattern-${cmp.relation}`,
        response || cmp.relation !== 'widened' ? 'breaking' : 'non-breaking',
        `pattern ${reason}${witness}`,
        a.pattern,
        b.pattern,
      );
    }
  }
  for (const [low, high] of [
    ['minimum', 'maximum'],
    ['minLength', 'maxLength'],
  ] as const) {
    for (const key of [low, high]) {
      const va = a[key];
      const vb = b[key];
      if (va === vb || ctx.fromTraffic || ctx.toTraffic) continue;
      const narrowed = vb !== undefined && (va === undefined || (key === low ? vb > va : vb < va));
      push(
        name,
        `${key}-changed`,
        response || narrowed ? 'breaking' : 'non-breaking',
        `${key} ${va ?? 'none'} → ${vb ?? 'none'}: ${narrowed ? (response ? 'narrowed: consumers validating against the new contract reject values the old one allowed' : 'narrowed: requests that were valid are now rejected') : response ? 'widened: consumers validating against the old contract reject the new values' : 'widened: more values are accepted'}`,
        va,
        vb,
      );
    }
  }
  const ea = (a.enum ?? []).map(String);
  const eb = (b.enum ?? []).map(String);
  if (ea.length || eb.length) {
    const added = eb.filter((v) => !ea.includes(v));
    const removed = ea.filter((v) => !eb.includes(v));
    if (added.length && ea.length)
      push(
        name,
        'enum-values-added',
        response ? 'breaking' : 'non-breaking',
        `new values ${added.join(', ')}${response ? ': consumers that switch over the old values meet unknown ones' : ''}`,
        ea,
        eb,
      );
    if (removed.length && eb.length)
      push(
        name,
        'enum-values-removed',
        response ? 'non-breaking' : 'breaking',
        `values ${removed.join(', ')} are gone${response ? '' : ': requests using them are rejected'}`,
        ea,
        eb,
      );
  }
}
