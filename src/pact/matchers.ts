// Pact matchers from the resolved contract: as loose as the contract and the real client, never
// stricter. A pattern becomes a regex matcher (either source's, where they disagree), a date-time
// any RFC 3339 date-time (fractional seconds, Z or an offset), a type a type matcher; objects
// recurse and arrays match each item, allowing none. The same schema the conformance checks read.

import { MatchersV3 } from '@pact-foundation/pact';
import { isRecord } from '../json';
import { type JsonSchema, schemaTypes } from '../model/json-schema';

const { regex, boolean, integer, number, string, atLeastLike, nullValue, like } = MatchersV3;

/**
 * RFC 3339 date-time exactly as ajv-formats' date-time (what the contract checks) accepts it: T, t or
 * a space between date and time, fractional seconds, Z, z or an offset (±hh, ±hhmm, ±hh:mm). A
 * regex cannot tell a 31st of a 30-day month, nor where a leap second may fall: those it lets pass.
 */
export const RFC3339_DATE_TIME =
  '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])[Tt\\s]([01]\\d|2[0-3]):[0-5]\\d:([0-5]\\d|60)(\\.\\d+)?([Zz]|[+-]([01]\\d|2[0-3])(:?[0-5]\\d)?)$';
export const URI = '^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]*$';

/** The pattern a string must match per the resolved contract, or undefined when any string will do. */
export function stringPattern(s: JsonSchema): string | undefined {
  const any = s['x-any-pattern'];
  if (Array.isArray(any) && any.length) return any.map((p) => `(?:${String(p)})`).join('|');
  if (typeof s.pattern === 'string') return s.pattern;
  if (s.format === 'date-time') return RFC3339_DATE_TIME;
  if (s.format === 'uri') return URI;
  return undefined;
}

/** A matcher for `example` under `schema`; fields the schema does not describe match by type. */
export function matcherFor(schema: JsonSchema | undefined, example: unknown): unknown {
  if (example === null) return nullValue();
  if (!schema) return like(example);
  const t = schemaTypes(schema);
  if (Array.isArray(example)) {
    const first = example[0];
    return first === undefined
      ? atLeastLike(matcherFor(schema.items, {}), 0, 0)
      : atLeastLike(matcherFor(schema.items, first), 0, example.length);
  }
  if (isRecord(example)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(example)) out[k] = matcherFor(schema.properties?.[k], v);
    return schema.properties ? out : like(example);
  }
  if (typeof example === 'string') {
    if (schema.enum?.length)
      return regex(`^(${schema.enum.map((e) => escapeRegex(String(e))).join('|')})$`, example);
    const pattern = stringPattern(schema);
    return pattern ? regex(pattern, example) : string(example);
  }
  if (typeof example === 'boolean') return boolean(example);
  if (typeof example === 'number')
    return t.includes('integer') && !t.includes('number') ? integer(example) : number(example);
  return like(example);
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
