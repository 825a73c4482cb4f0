// A parsed docs page → operation descriptors with the page's own schemas. Everything comes from the
// page's tables; the list envelope and the error body come from Twilio's conventions and say so in
// their provenance. A page yields only the operations it shows (a list-only page has no fetch).

import { isRecord } from '../json';
import type { DocsField, DocsOperation, DocsPage } from '../sources/docs-page';
import type { TwilioType } from '../sources/twilio-types';
import type { JsonSchema, JsonValue, Provenance } from './json-schema';
import {
  type Operation,
  type OperationKind,
  type OperationSchemas,
  pathParamNames,
  resourceOf,
} from './operation';
import { itemsKeyFromPath, LIST_ENVELOPE_PROVENANCE, listMetaProperties } from './twilio-conventions';

export function operationsFromDocs(page: DocsPage): Operation[] {
  const file = page.file;
  const instance = (): JsonSchema => ({
    title: page.resource,
    ...objectOf(page.properties, file),
    'x-source': { source: 'docs-table', file, line: page.propertiesLine },
  });
  return page.operations
    .filter((op) => op.method === 'GET')
    .map((op) => {
      const kind = kindOf(op);
      const itemsKey = kind === 'list' ? itemsKeyOf(op, file) : undefined;
      const schemas: OperationSchemas = {
        response: itemsKey ? listPage(op, itemsKey, instance(), page.resource, file) : instance(),
      };
      if (kind === 'list' || op.queryParams.length)
        schemas.query = {
          ...objectOf(op.queryParams, file),
          'x-source': { source: 'docs-table', file, line: op.line },
        };
      if (op.pathParams.length)
        schemas.path = {
          ...objectOf(op.pathParams, file),
          'x-source': { source: 'docs-table', file, line: op.line },
        };
      return {
        id: docsOperationId(kind, op.path),
        method: 'GET' as const,
        path: op.path,
        kind,
        resource: resourceOf(op.path),
        pathParams: pathParamNames(op.path).map((name) => ({ name })),
        ...(itemsKey ? { itemsKey: itemsKey.key } : {}),
        schemas: { docs: schemas },
        examples: op.examples.map((e) => ({ file, line: e.line, value: e.value })),
      };
    });
}

/** A list shows `meta` in its example; with no example, a path ending in a parameter is an instance, a paged query a list. */
function kindOf(op: DocsOperation): OperationKind {
  if (op.examples.some((e) => isRecord(e.value) && isRecord(e.value.meta))) return 'list';
  if (op.examples.length) return 'instance';
  if (/\}$/.test(op.path)) return 'instance';
  return op.queryParams.some((p) => /^Page(Size|Token)?$/.test(p.name)) ? 'list' : 'instance';
}

export function docsOperationId(kind: OperationKind, path: string): string {
  const words = path
    .split('/')
    .filter((p) => p && !p.startsWith('{') && !/^v\d+$/.test(p))
    .join('');
  return `${kind === 'list' ? 'List' : 'Fetch'}${words}`;
}

/** The list's items key: the one array in the list example, else Twilio's naming rule. */
function itemsKeyOf(op: DocsOperation, file: string): { key: string; source: Provenance } {
  for (const example of op.examples) {
    const value = example.value;
    const keys = isRecord(value)
      ? Object.entries(value)
          .filter(([, v]) => Array.isArray(v))
          .map(([k]) => k)
      : [];
    if (keys.length === 1 && keys[0])
      return { key: keys[0], source: { source: 'docs-example', file, line: example.line } };
  }
  return {
    key: itemsKeyFromPath(op.path),
    source: { ...LIST_ENVELOPE_PROVENANCE, note: 'items key from path' },
  };
}

function listPage(
  op: DocsOperation,
  items: { key: string; source: Provenance },
  instance: JsonSchema,
  resource: string,
  file: string,
): JsonSchema {
  const example = op.examples.find((e) => isRecord(e.value) && isRecord(e.value.meta));
  const seen = example && isRecord(example.value) && isRecord(example.value.meta) ? example.value.meta : {};
  const meta = listMetaProperties();
  for (const [name, schema] of Object.entries(meta)) {
    schema['x-source'] =
      name in seen && example
        ? [{ source: 'docs-example', file, line: example.line }, LIST_ENVELOPE_PROVENANCE]
        : LIST_ENVELOPE_PROVENANCE;
  }
  return {
    title: `${resource} list page`,
    type: 'object',
    properties: {
      [items.key]: { type: 'array', items: instance, 'x-source': items.source },
      meta: {
        type: 'object',
        properties: meta,
        required: Object.keys(meta),
        'x-source': LIST_ENVELOPE_PROVENANCE,
      },
    },
    required: [items.key, 'meta'],
    'x-source': LIST_ENVELOPE_PROVENANCE,
  };
}

function objectOf(fields: readonly DocsField[], file: string): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const field of fields)
    properties[field.name] = fieldSchema(field, { source: 'docs-table', file, line: field.line });
  const required = fields.filter((f) => f.required).map((f) => f.name);
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}

export function fieldSchema(field: DocsField, provenance: Provenance): JsonSchema {
  const schema = typeToSchema(field.type, field.constraints.enum);
  const c = field.constraints;
  if (c.pattern !== undefined) schema.pattern = c.pattern;
  if (c.minLength !== undefined) schema.minLength = c.minLength;
  if (c.maxLength !== undefined) schema.maxLength = c.maxLength;
  if (c.minimum !== undefined) schema.minimum = c.minimum;
  if (c.maximum !== undefined) schema.maximum = c.maximum;
  if (c.minItems !== undefined) schema.minItems = c.minItems;
  if (c.maxItems !== undefined) schema.maxItems = c.maxItems;
  if (c.default !== undefined) schema.default = typedDefault(c.default, schema.type);
  if (field.description) schema.description = field.description;
  schema['x-source'] = provenance;
  return schema;
}

function typedDefault(raw: string, type: JsonSchema['type']): JsonValue {
  if ((type === 'integer' || type === 'number') && Number.isFinite(Number(raw))) return Number(raw);
  if (type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
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
