// The small slice of JSON Schema 2020-12 the derivers produce, plus our `x-` annotations.

import type { JsonValue } from '../json';

export type { JsonValue } from '../json';

export interface Provenance {
  /** Which kind of source said it. */
  source: 'docs-table' | 'docs-example' | 'openapi' | 'twilio-convention';
  file?: string;
  line?: number;
  /** JSON pointer into an OpenAPI document. */
  pointer?: string;
  note?: string;
}

export interface JsonSchema {
  $schema?: string;
  $id?: string;
  $ref?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: JsonValue[];
  const?: JsonValue;
  default?: JsonValue;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  allOf?: JsonSchema[];
  'x-source'?: Provenance | Provenance[];
  'x-twilio-type'?: string;
  'x-operation'?: string;
  'x-items-key'?: string;
  [keyword: `x-${string}`]: unknown;
}

/** A schema's `type` as a list: [] when it states none. */
export const schemaTypes = (s: JsonSchema): string[] =>
  Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];

/** Whether a string value fits a field's schema (its type and pattern). */
export function fits(schema: JsonSchema, value: string): boolean {
  if (!schemaTypes(schema).includes('string')) return false;
  try {
    return !schema.pattern || new RegExp(schema.pattern).test(value);
  } catch {
    return false;
  }
}

export const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/** Property names our schemas annotate with, registered with ajv so strict mode accepts them. */
export const ANNOTATION_KEYWORDS = [
  'x-source',
  'x-twilio-type',
  'x-operation',
  'x-items-key',
  'x-in',
  'x-observed',
  'x-any-pattern',
  'x-values',
  'x-rules',
  'x-unread',
  'x-typed-by',
  'x-unset',
  'x-docs-name',
  'x-twilio-format',
] as const;

/** Keywords that constrain a value: what a source "states" about a field, and what gets compared and resolved. */
export const CONSTRAINT_KEYWORDS = [
  'type',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'enum',
  'const',
  'additionalProperties',
] as const;

const STATED = new Set<string>(CONSTRAINT_KEYWORDS);

/**
 * `base` plus every constraint of `extra` that `base` is silent on, recursively; required united.
 * What satisfies this satisfies both sources where they agree, and `base` where they differ.
 */
export function mergeSilent(base: JsonSchema, extra: JsonSchema | undefined): JsonSchema {
  if (!extra) return base;
  const out: JsonSchema = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    if (STATED.has(k) && (out as Record<string, unknown>)[k] === undefined)
      (out as Record<string, unknown>)[k] = v;
  }
  if (extra.properties) {
    out.properties = { ...(base.properties ?? {}) };
    for (const [name, s] of Object.entries(extra.properties))
      out.properties[name] = out.properties[name] ? mergeSilent(out.properties[name], s) : s;
  }
  if (extra.items) out.items = base.items ? mergeSilent(base.items, extra.items) : extra.items;
  if (extra.required) out.required = [...new Set([...(base.required ?? []), ...extra.required])];
  return out;
}
