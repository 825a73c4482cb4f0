// Values generated from the derived schemas: every value is a pure function of a seed, so the same
// seed always gives the same value. Strings with a pattern come from fast-check's stringMatching,
// dates are ISO 8601, bounds are kept. The reference provider's data, request bodies and examples
// all come from here.

import { createHash } from 'node:crypto';
import type * as FC from 'fast-check';
import { fastCheck } from '../lazy';
import { type JsonSchema, schemaTypes } from '../model/json-schema';
import { twilioSample } from './formats';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** FNV-1a over the parts: fast, stable, well spread for seeds (not for security). */
export const hashInt = (...parts: Array<string | number>): number => {
  const text = parts.join('\u0000');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A final avalanche, so neighbouring seeds differ in every bit.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
};

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `.` outside a character class becomes [a-z0-9]: a subset of what the pattern accepts, and readable ids. */
function readable(pattern: string): RegExp {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\') {
      out += c + (pattern[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '[') inClass = true;
    if (c === ']') inClass = false;
    out += c === '.' && !inClass ? '[a-z0-9]' : c;
  }
  try {
    return new RegExp(out);
  } catch {
    return new RegExp(pattern);
  }
}

const patternArbs = new Map<string, FC.Arbitrary<string>>();
/**
 * Strings already drawn in this process, by (pattern, seed, bounds): every provider with the same
 * seed draws the same ones (the suites and the mutation score start hundreds), and a draw costs a
 * fast-check sample. Bounded: emptied when full.
 */
const drawn = new Map<string, string>();
const MAX_DRAWN = 100_000;

function fromPattern(pattern: string, seed: number, min?: number, max?: number): string {
  const key = `${pattern}\u0000${seed}\u0000${min}\u0000${max}`;
  let value = drawn.get(key);
  if (value === undefined) {
    value = drawFromPattern(pattern, seed, min, max);
    if (drawn.size >= MAX_DRAWN) drawn.clear();
    drawn.set(key, value);
  }
  return value;
}

/**
 * A pattern anchored at both ends: an unanchored one (`AC[0-9a-f]{32}`, as some specs write it)
 * matches its core alone too, and a value that is only the core is what the API sends.
 */
const anchored = (pattern: string): string => {
  if (pattern.startsWith('^') || pattern.endsWith('$') || /(^|[^\\])\|/.test(pattern)) return pattern;
  return `^${pattern}$`;
};

function drawFromPattern(pattern: string, seed: number, min?: number, max?: number): string {
  let arb = patternArbs.get(pattern);
  if (!arb) {
    arb = fastCheck().stringMatching(readable(anchored(pattern)));
    patternArbs.set(pattern, arb);
  }
  const re = new RegExp(pattern);
  for (let k = 0; k < 50; k++) {
    const [v] = fastCheck().sample(arb, { seed: seed + k * 7919, numRuns: 1 });
    if (
      v !== undefined &&
      re.test(v) &&
      (min === undefined || v.length >= min) &&
      (max === undefined || v.length <= max)
    )
      return v;
  }
  return fastCheck().sample(arb, { seed, numRuns: 1 })[0] ?? '';
}

export const ISO_BASE = Date.UTC(2024, 0, 1);
/** Twilio prints date-times as ISO 8601 in UTC without milliseconds. */
export const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The formats of a date-time as Twilio prints them: ISO 8601, or RFC 2822 (API v2010). */
export const isDateTimeFormat = (format: unknown): boolean =>
  format === 'date-time' || format === 'date-time-rfc-2822';

/** A date-time in the field's format: ISO 8601 (`2024-01-01T00:00:00Z`) or RFC 2822 (`Mon, 01 Jan 2024 00:00:00 +0000`). */
export const dateIn = (format: unknown, ms: number): string =>
  format === 'date-time-rfc-2822' ? new Date(ms).toUTCString().replace(/GMT$/, '+0000') : isoSeconds(ms);

/** One value for a schema, from a seed; `name` only flavours free-text strings. */
export function generate(schema: JsonSchema, seed: number, name = 'value', depth = 0): Json {
  const r = rng(seed);
  if (schema.const !== undefined) return schema.const as Json;
  if (schema.enum?.length) return schema.enum[Math.floor(r() * schema.enum.length)] as Json;
  const type = schemaTypes(schema).find((t) => t !== 'null') ?? (schema.properties ? 'object' : 'string');
  switch (type) {
    case 'boolean':
      return r() < 0.5;
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? 0;
      const max = schema.maximum ?? min + 1000;
      const n = min + Math.floor(r() * (max - min + 1));
      return type === 'integer' ? Math.min(n, max) : Math.min(n + 0.5, max);
    }
    case 'array': {
      if (!schema.items || depth > 3) return [];
      const min = schema.minItems ?? 0;
      const max = Math.max(min, Math.min(schema.maxItems ?? 2, 2));
      const n = min + Math.floor(r() * (max - min + 1));
      return Array.from({ length: n }, (_, k) =>
        generate(schema.items as JsonSchema, hashInt(seed, k), name, depth + 1),
      );
    }
    case 'object': {
      const out: Record<string, Json> = {};
      for (const [prop, child] of Object.entries(schema.properties ?? {}))
        out[prop] = generate(child, hashInt(seed, prop), prop, depth + 1);
      return out;
    }
    default:
      return stringFor(schema, seed, name, r);
  }
}

function stringFor(schema: JsonSchema, seed: number, name: string, r: () => number): string {
  if (schema.pattern) return fromPattern(schema.pattern, seed, schema.minLength, schema.maxLength);
  switch (schema.format) {
    case 'date-time':
    case 'date-time-rfc-2822':
      return dateIn(schema.format, ISO_BASE + Math.floor(r() * 365 * 86_400) * 1000);
    case 'date':
      return isoSeconds(ISO_BASE + Math.floor(r() * 365) * 86_400_000).slice(0, 10);
    case 'uri':
    case 'url':
      return `https://example.com/${name}/${seed.toString(16)}`;
    case 'uuid': {
      const h = createHash('sha256').update(String(seed)).digest('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
    }
    case 'email':
      return `user${seed % 10_000}@example.com`;
  }
  const twilio = twilioSample(schema.format, seed, name);
  if (twilio !== undefined) return twilio;
  const min = schema.minLength ?? 1;
  const max = schema.maxLength ?? Math.max(min, 24);
  let s = `${name}_${seed.toString(36)}`;
  while (s.length < min) s += 'x';
  return s.slice(0, max);
}
