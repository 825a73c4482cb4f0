// Request bodies from a write's derived request schema. A valid one holds what a provider that reads
// every source would accept: the required fields at every depth (fields that name other items are
// left out unless required, and then supplied by the caller), values the prose lists (the one that
// asks least of the rest of the body first), the prose rules honoured (a field required for the value
// chosen is added, one allowed only for another value is dropped), a `{}` field in the shape every
// response documents, and the run's tag in a free-text field the response echoes. The negative ones
// a provider must refuse are each one change away from a valid body: a required field missing, a
// type, bound, pattern or listed value broken, a prose rule broken, a field the schema closes out.
// Nothing here names a field.

import { isRecord } from '../json';
import { type JsonSchema, schemaTypes } from '../model/json-schema';
import { conditionHolds, type ProseRule, rulesOf } from '../model/prose-rules';
import { echoField } from '../model/twilio-conventions';
import type { WriteOperation } from '../model/writes';
import { generate, hashInt, type Json } from './generate';
import { ruleBroken } from './request-check';

export interface BodyOptions {
  seed: number;
  /** The run's tag: written into one free-text field the response echoes, so what a run made is recognisable. */
  tag?: string;
  /** Set when the tag goes in the field that names the item (an entity's Identity): the value is the tag and this, dash-joined, its own per body. */
  tagSuffix?: string;
  /** A value the caller supplies for a top-level field (an id of an item the run made), else undefined. */
  supply?: (field: string, schema: JsonSchema) => string | undefined;
  /** Top-level optional fields to send too: all of them (true) or these; the prose rules still hold. */
  optional?: boolean | readonly string[];
}

type Body = Record<string, Json>;
type Shape = Pick<WriteOperation, 'request' | 'response'>;

const listedValues = (s: JsonSchema): string[] =>
  Array.isArray(s['x-values'])
    ? (s['x-values'] as unknown[]).filter((v): v is string => typeof v === 'string')
    : [];

const isFreeText = (s: JsonSchema): boolean =>
  schemaTypes(s).includes('string') && !s.pattern && !s.format && !s.enum && listedValues(s).length === 0;

/** Characters a field must hold to carry a run's tag whole (src/run/journal.ts makes tags that fit). */
export const TAG_ROOM = 31;

/**
 * The fields that can carry the run's tag: free text the response echoes as free text (not parsed
 * into an array or an object, not a URL), required ones first.
 */
export function tagFields(w: Shape): string[] {
  const props = Object.entries(w.request?.properties ?? {});
  const back = (name: string) => {
    const echo = echoField(w.response, name);
    return echo === undefined ? undefined : w.response?.properties?.[echo];
  };
  const text = (r: JsonSchema | undefined) =>
    r !== undefined && (isFreeText(r) || (schemaTypes(r).length === 0 && !r.properties && !r.items));
  const echoed = ([name, s]: [string, JsonSchema]) =>
    isFreeText(s) && text(back(name)) && (s.maxLength ?? 64) >= TAG_ROOM;
  const required = new Set(w.request?.required ?? []);
  return [
    ...props.filter((p) => required.has(p[0]) && echoed(p)),
    ...props.filter((p) => !required.has(p[0]) && echoed(p)),
  ].map(([name]) => name);
}

/** The field that carries the run's tag: a required free-text field the response echoes, else an optional one. */
export const tagField = (w: Shape): string | undefined => tagFields(w)[0];

/** A listed value, those that make no other field required first (deterministic by seed). */
function pickListed(
  values: readonly string[],
  field: string,
  rules: readonly ProseRule[],
  seed: number,
): string {
  const demanding = new Set(
    rules.filter((r) => r.kind === 'required-when' && r.when.field === field).flatMap((r) => r.when.values),
  );
  const easy = values.filter((v) => !demanding.has(v));
  const pool = easy.length ? easy : values;
  return pool[hashInt(seed, field) % pool.length] as string;
}

/** One value for a field of a request: a listed one, an object of its required fields, or generated. */
function requestValue(
  s: JsonSchema,
  field: string,
  seed: number,
  rules: readonly ProseRule[],
  depth: number,
): Json {
  const listed = listedValues(s);
  if (listed.length && s.const === undefined && !s.enum) return pickListed(listed, field, rules, seed);
  if (schemaTypes(s).includes('object') || (s.properties && schemaTypes(s).length === 0))
    return depth > 8 ? {} : requestObject(s, seed, depth + 1, new Set());
  if (schemaTypes(s).includes('array')) {
    const n = s.minItems ?? 0;
    const items = s.items ?? {};
    return Array.from({ length: n }, (_, k) => requestValue(items, field, hashInt(seed, k), [], depth + 1));
  }
  return generate(s, hashInt(seed, field), field);
}

/** An object with its required fields (and `more`), then its prose rules honoured. */
function requestObject(
  s: JsonSchema,
  seed: number,
  depth: number,
  more: ReadonlySet<string>,
  fill?: (field: string, child: JsonSchema) => Json | undefined,
): Body {
  const rules = rulesOf(s);
  const props = s.properties ?? {};
  const wanted = new Set([...(s.required ?? []), ...more]);
  const fieldValue = (field: string): Json | undefined => {
    const child = props[field];
    if (!child) return undefined;
    return fill?.(field, child) ?? requestValue(child, field, hashInt(seed, field), rules, depth);
  };
  const out: Body = {};
  const required = new Set(s.required ?? []);
  for (const field of Object.keys(props)) {
    if (!wanted.has(field)) continue;
    const v = fieldValue(field);
    // A required array holds an item: an empty one is no field at all in a form.
    const child = props[field] as JsonSchema;
    if (Array.isArray(v) && v.length === 0 && required.has(field) && child.items && depth < 8)
      out[field] = [requestValue(child.items, field, hashInt(seed, field, 0), [], depth + 1)];
    else if (v !== undefined) out[field] = v;
  }
  for (const rule of rules) {
    if (rule.kind === 'required-when' && conditionHolds(rule, out) && out[rule.field] === undefined) {
      const v = fieldValue(rule.field);
      if (v !== undefined) out[rule.field] = v;
    }
    if (rule.kind === 'only-when' && out[rule.field] !== undefined && ruleBroken(rule, out))
      delete out[rule.field];
  }
  return out;
}

/** A body a provider that reads every source accepts, or undefined when the write takes none. */
export function validBody(w: Shape, o: BodyOptions): Body | undefined {
  const schema = w.request;
  if (!schema) return undefined;
  const tag = o.tag ? tagField(w) : undefined;
  const optional =
    o.optional === true
      ? Object.keys(schema.properties ?? {})
      : Array.isArray(o.optional)
        ? (o.optional as readonly string[])
        : [];
  const more = new Set([...optional, ...(tag ? [tag] : [])]);
  return requestObject(schema, o.seed, 0, more, (field, child) => {
    const supplied = o.supply?.(field, child);
    if (supplied !== undefined) return supplied;
    if (field === tag && o.tag)
      return (o.tagSuffix ? `${o.tag}-${o.tagSuffix}` : `${o.tag} ${field}`).slice(0, child.maxLength ?? 64);
    const shaped = echoShape(w, field, child);
    return shaped ? (generate(shaped, hashInt(o.seed, field), field) as Json) : undefined;
  });
}

/**
 * Free text the answer echoes as a value of a format or a pattern (a webhook's URL): the request
 * documents less than the API takes, and a value of that shape is sent (the answer's schema for it).
 */
function echoShape(w: Shape, field: string, child: JsonSchema): JsonSchema | undefined {
  const echo = echoField(w.response, field);
  const back = echo === undefined ? undefined : w.response?.properties?.[echo];
  if (!isFreeText(child) || !back || !schemaTypes(back).includes('string')) return undefined;
  if (back.format === undefined && back.pattern === undefined) return undefined;
  return {
    type: 'string',
    ...(back.format !== undefined ? { format: back.format } : {}),
    ...(back.pattern !== undefined ? { pattern: back.pattern } : {}),
  };
}

export interface NegativeBody {
  body: unknown;
  /** What is wrong with it, for people: "required field name missing". */
  why: string;
  /** Where: the JSON pointer of the field. */
  pointer: string;
}

/** A value of another JSON type than any the schema allows. */
function wrongType(s: JsonSchema): Json | undefined {
  const types = schemaTypes(s);
  if (types.length === 0) return undefined;
  const candidates: Array<[string, Json]> = [
    ['string', 12345],
    ['integer', 'not a number'],
    ['number', 'not a number'],
    ['boolean', 'not a boolean'],
    ['object', 'not an object'],
    ['array', 'not an array'],
  ];
  for (const [t, v] of candidates) {
    const vt = typeof v === 'number' ? 'number' : 'string';
    if (types.includes(t) && !types.includes(vt) && !(vt === 'number' && types.includes('integer'))) return v;
  }
  return undefined;
}

/** The body with the object at `at` (a path of field names) replaced by `change` of it. */
function edited(body: Body, at: readonly string[], change: (o: Body) => Body): Body {
  if (at.length === 0) return change(body);
  const [head, ...rest] = at as [string, ...string[]];
  const inner = body[head];
  return isRecord(inner) ? { ...body, [head]: edited(inner as Body, rest, change) } : body;
}

/**
 * One field's negatives: wrong type, each bound, pattern and listed value broken. In a form every
 * value travels as text: a number is no wrong type for a field that takes a string.
 */
function fieldNegatives(field: string, s: JsonSchema, form: boolean): Array<{ value: Json; why: string }> {
  const out: Array<{ value: Json; why: string }> = [];
  // A form's array is its key repeated: one string sent is an array of one, of items that take text
  // (a string, or any value: items whose schema states no type and no fields).
  const text = (x: JsonSchema | undefined) => x !== undefined && schemaTypes(x).includes('string');
  const anything = (x: JsonSchema | undefined) =>
    x === undefined || (schemaTypes(x).length === 0 && !x.properties && !x.$ref);
  const arrayOfText = schemaTypes(s).includes('array') && (text(s.items) || anything(s.items));
  const bad = form && (text(s) || arrayOfText) ? undefined : wrongType(s);
  const typed = s['x-typed-by'] ? ` where every response documents ${String(s.type)}` : '';
  if (bad !== undefined) out.push({ value: bad, why: `${field} of the wrong type (${typeof bad}${typed})` });
  if (typeof s.maxLength === 'number')
    out.push({ value: 'x'.repeat(s.maxLength + 1), why: `${field} longer than ${s.maxLength}` });
  if (typeof s.minLength === 'number' && s.minLength > 0)
    out.push({ value: 'x'.repeat(s.minLength - 1), why: `${field} shorter than ${s.minLength}` });
  if (typeof s.maximum === 'number') out.push({ value: s.maximum + 1, why: `${field} above ${s.maximum}` });
  if (typeof s.minimum === 'number') out.push({ value: s.minimum - 1, why: `${field} below ${s.minimum}` });
  if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test('!'))
    out.push({ value: '!', why: `${field} not matching ${s.pattern}` });
  const listed = listedValues(s);
  if (listed.length)
    out.push({
      value: 'not-a-listed-value',
      why: `${field} outside the values the sources list (${listed.join(', ')})`,
    });
  return out;
}

/** A body that breaks one prose rule of the object at `at`, else undefined. */
function ruleNegative(
  valid: Body,
  at: readonly string[],
  s: JsonSchema,
  rule: ProseRule,
): NegativeBody | undefined {
  const props = s.properties ?? {};
  const whenSchema = props[rule.when.field];
  const fieldSchema = props[rule.field];
  if (!whenSchema || !fieldSchema) return undefined;
  const pointer = `/${[...at, rule.field].join('/')}`;
  if (rule.kind === 'required-when') {
    const value = rule.when.values[0] as string;
    const body = edited(valid, at, ({ [rule.field]: _dropped, ...o }) => ({
      ...o,
      [rule.when.field]: value,
    }));
    return {
      body,
      pointer,
      why: `${rule.field} missing while ${rule.when.field} is '${value}' (${rule.text})`,
    };
  }
  const other = listedValues(whenSchema).find((v) => !rule.when.values.includes(v));
  if (other === undefined) return undefined;
  const sent = requestValue(fieldSchema, rule.field, 1, [], 1);
  const body = edited(valid, at, (o) => ({ ...o, [rule.when.field]: other, [rule.field]: sent }));
  return { body, pointer, why: `${rule.field} sent while ${rule.when.field} is '${other}' (${rule.text})` };
}

/** The negatives of the object at `at` of the valid body, and of the objects the valid body holds below it. */
function objectNegatives(
  valid: Body,
  at: readonly string[],
  s: JsonSchema,
  depth: number,
  form: boolean,
): NegativeBody[] {
  const here = at.reduce<unknown>((o, k) => (isRecord(o) ? o[k] : undefined), valid);
  if (!isRecord(here) || depth > 8) return [];
  const out: NegativeBody[] = [];
  const pointerOf = (field: string) => `/${[...at, field].join('/')}`;
  const label = (field: string) => [...at, field].join('.');
  for (const name of s.required ?? []) {
    const body = edited(valid, at, ({ [name]: _dropped, ...o }) => o);
    out.push({ body, why: `required field ${label(name)} missing`, pointer: pointerOf(name) });
  }
  for (const [field, child] of Object.entries(s.properties ?? {})) {
    // Below the body itself, only the fields of objects the valid body sends.
    if (at.length > 0 && here[field] === undefined) continue;
    for (const n of fieldNegatives(label(field), child, form))
      out.push({
        body: edited(valid, at, (o) => ({ ...o, [field]: n.value })),
        why: n.why,
        pointer: pointerOf(field),
      });
    if (isRecord(here[field]) && child.properties)
      out.push(...objectNegatives(valid, [...at, field], child, depth + 1, form));
  }
  for (const rule of rulesOf(s)) {
    const n = ruleNegative(valid, at, s, rule);
    if (n) out.push(n);
  }
  if (s.additionalProperties === false)
    out.push({
      body: edited(valid, at, (o) => ({ ...o, conformance_unknown_field: 'x' })),
      why: `a field the schema closes out (${label('conformance_unknown_field')})`,
      pointer: pointerOf('conformance_unknown_field'),
    });
  return out;
}

/** Bodies the request's sources refuse, each built from a valid one by one change. */
export function negativeBodies(
  w: Shape & Pick<WriteOperation, 'requestEncoding'>,
  valid: Body,
): NegativeBody[] {
  return w.request ? objectNegatives(valid, [], w.request, 0, w.requestEncoding === 'form') : [];
}
