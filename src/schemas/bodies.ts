// Request bodies from a write's derived request schema: a valid one (its required fields, values its
// prose allows, the run's tag in a free-text field the response echoes, ids the run supplies), and
// the negative ones a provider must refuse: each required field missing, each type wrong, each bound
// broken, a value outside those allowed, a field the schema closes out. Nothing here names a field.

import { type JsonSchema, schemaTypes } from '../model/json-schema';
import type { WriteOperation } from '../model/writes';
import { generate, hashInt, type Json } from './generate';

export interface BodyOptions {
  seed: number;
  /** The run's tag: written into one free-text field the response echoes, so what a run made is recognisable. */
  tag?: string;
  /** A value the caller supplies for a field (an id of an item the run made), else undefined. */
  supply?: (field: string, schema: JsonSchema) => string | undefined;
  /** Optional fields too, each generated (default: required ones, and the tagged one). */
  optional?: boolean;
}

type Body = Record<string, Json>;

const isFreeText = (s: JsonSchema): boolean =>
  schemaTypes(s).includes('string') &&
  !s.pattern &&
  !s.format &&
  !s.enum &&
  !(Array.isArray(s['x-values']) && (s['x-values'] as unknown[]).length > 0);

/** The field that carries the run's tag: a required free-text field the response echoes, else an optional one. */
export function tagField(w: Pick<WriteOperation, 'request' | 'response'>): string | undefined {
  const props = Object.entries(w.request?.properties ?? {});
  const echoed = ([name, s]: [string, JsonSchema]) =>
    isFreeText(s) && w.response?.properties?.[name] !== undefined && (s.maxLength ?? 64) >= 16;
  const required = new Set(w.request?.required ?? []);
  return (props.find((p) => required.has(p[0]) && echoed(p)) ?? props.find(echoed))?.[0];
}

function valueFor(name: string, s: JsonSchema, o: BodyOptions, tagged: boolean): Json {
  const supplied = o.supply?.(name, s);
  if (supplied !== undefined) return supplied;
  const values = s['x-values'];
  if (Array.isArray(values) && values.length) return values[hashInt(o.seed, name) % values.length] as Json;
  if (tagged && o.tag) {
    const max = s.maxLength ?? 64;
    return `${o.tag} ${name}`.slice(0, max);
  }
  return generate(s, hashInt(o.seed, name), name);
}

/** A body the spec accepts, or undefined when the write takes none. */
export function validBody(w: Pick<WriteOperation, 'request' | 'response'>, o: BodyOptions): Body | undefined {
  const schema = w.request;
  if (!schema) return undefined;
  const tag = o.tag ? tagField(w) : undefined;
  const required = new Set(schema.required ?? []);
  const out: Body = {};
  for (const [name, s] of Object.entries(schema.properties ?? {})) {
    if (!required.has(name) && name !== tag && !o.optional) continue;
    out[name] = valueFor(name, s, o, name === tag);
  }
  return out;
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

/** Bodies the spec's request schema refuses, each built from a valid one by one change. */
export function negativeBodies(w: Pick<WriteOperation, 'request' | 'response'>, valid: Body): NegativeBody[] {
  const schema = w.request;
  if (!schema) return [];
  const out: NegativeBody[] = [];
  const props = schema.properties ?? {};
  for (const name of schema.required ?? []) {
    const { [name]: _dropped, ...rest } = valid;
    out.push({ body: rest, why: `required field ${name} missing`, pointer: `/${name}` });
  }
  for (const [name, s] of Object.entries(props)) {
    const bad = wrongType(s);
    if (bad !== undefined)
      out.push({
        body: { ...valid, [name]: bad },
        why: `${name} of the wrong type (${typeof bad})`,
        pointer: `/${name}`,
      });
    if (typeof s.maxLength === 'number')
      out.push({
        body: { ...valid, [name]: 'x'.repeat(s.maxLength + 1) },
        why: `${name} longer than ${s.maxLength}`,
        pointer: `/${name}`,
      });
    if (typeof s.minLength === 'number' && s.minLength > 0)
      out.push({
        body: { ...valid, [name]: 'x'.repeat(s.minLength - 1) },
        why: `${name} shorter than ${s.minLength}`,
        pointer: `/${name}`,
      });
    if (typeof s.maximum === 'number')
      out.push({
        body: { ...valid, [name]: s.maximum + 1 },
        why: `${name} above ${s.maximum}`,
        pointer: `/${name}`,
      });
    if (typeof s.minimum === 'number')
      out.push({
        body: { ...valid, [name]: s.minimum - 1 },
        why: `${name} below ${s.minimum}`,
        pointer: `/${name}`,
      });
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test('!'))
      out.push({
        body: { ...valid, [name]: '!' },
        why: `${name} not matching ${s.pattern}`,
        pointer: `/${name}`,
      });
    const values = s['x-values'];
    if (Array.isArray(values) && values.length)
      out.push({
        body: { ...valid, [name]: 'not-a-listed-value' },
        why: `${name} outside the values the spec lists (${values.join(', ')})`,
        pointer: `/${name}`,
      });
  }
  if (schema.additionalProperties === false)
    out.push({
      body: { ...valid, conformance_unknown_field: 'x' },
      why: 'a field the schema closes out',
      pointer: '/conformance_unknown_field',
    });
  return out;
}
