// Twilio's type notation as its docs pages print it: `string`, `string<date-time>`, `SID<AC>`,
// `enum<string>`, `integer`, `array[SID<CA>]`, … A vocabulary of base words plus an optional
// `<argument>`, optionally wrapped in `array[…]`. Field names are never part of this grammar.

import type { JsonSchema } from './json-schema';

const BASE_WORDS = [
  'string',
  'integer',
  'number',
  'boolean',
  'object',
  'array',
  'enum',
  'SID',
  'null',
] as const;
type BaseWord = (typeof BASE_WORDS)[number];

const SIMPLE = `(?:${BASE_WORDS.join('|')})(?:<[^<>\\s\\[\\]]+>)?`;
/** Source of a regex matching one type notation (no anchors). */
export const TYPE_NOTATION = `(?:array\\[${SIMPLE}\\]|${SIMPLE})`;

export interface TwilioType {
  notation: string;
  base: BaseWord;
  argument?: string;
  items?: TwilioType;
}

export function parseTypeNotation(notation: string): TwilioType | undefined {
  const array = /^array\[(.+)\]$/.exec(notation);
  if (array?.[1]) {
    const items = parseTypeNotation(array[1]);
    return items && !items.items ? { notation, base: 'array', items } : undefined;
  }
  const simple = /^([A-Za-z]+)(?:<([^<>\s[\]]+)>)?$/.exec(notation);
  if (!simple) return undefined;
  const base = simple[1] as BaseWord;
  if (!BASE_WORDS.includes(base)) return undefined;
  return simple[2] === undefined ? { notation, base } : { notation, base, argument: simple[2] };
}

// `string<argument>` arguments that JSON Schema (with ajv-formats) knows as formats.
const JSON_SCHEMA_FORMATS = new Set([
  'date-time',
  'date',
  'time',
  'duration',
  'uri',
  'uri-reference',
  'uri-template',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uuid',
  'int32',
  'int64',
  'float',
  'double',
]);

/**
 * The JSON Schema a type notation stands for, before the row's own constraint lines refine it.
 * Arguments with no JSON Schema equivalent (e.g. `string<phone-number>`) stay visible as
 * `x-twilio-type` instead of being guessed at.
 */
export function typeToSchema(type: TwilioType, enumValues?: readonly string[]): JsonSchema {
  const schema: JsonSchema = { 'x-twilio-type': type.notation };
  switch (type.base) {
    case 'array':
      schema.type = 'array';
      if (type.items) schema.items = stripNotation(typeToSchema(type.items, enumValues));
      return schema;
    case 'SID':
      schema.type = 'string';
      if (type.argument) {
        // A Twilio SID is its two-letter prefix and 32 hex digits.
        schema.pattern = `^${type.argument}[0-9a-fA-F]{32}$`;
        schema.minLength = 34;
        schema.maxLength = 34;
      }
      return schema;
    case 'enum':
      schema.type = type.argument && type.argument !== 'string' ? jsonType(type.argument) : 'string';
      if (enumValues?.length) schema.enum = [...enumValues];
      return schema;
    default:
      schema.type = jsonType(type.base);
      if (type.argument && JSON_SCHEMA_FORMATS.has(type.argument)) schema.format = type.argument;
      return schema;
  }
}

function jsonType(word: string): string {
  return word === 'SID' || word === 'enum' ? 'string' : word;
}

function stripNotation(schema: JsonSchema): JsonSchema {
  const { 'x-twilio-type': _notation, ...rest } = schema;
  return rest;
}
