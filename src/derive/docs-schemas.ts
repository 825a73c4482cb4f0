// Parsed docs page → JSON Schema 2020-12. Everything comes from the page's tables; the list
// envelope and the error body come from Twilio's conventions and say so in their provenance.

import { isRecord } from '../json';
import type { DocsExample, DocsField, DocsOperation, DocsPage } from './docs-page';
import { DRAFT_2020_12, type JsonSchema, type JsonValue, type Provenance } from './json-schema';
import { type SchemaSet, schemaFileName, schemaId } from './schema-set';
import {
  itemsKeyFromPath,
  LIST_ENVELOPE_PROVENANCE,
  listMetaProperties,
  twilioErrorSchema,
} from './twilio-conventions';
import { typeToSchema } from './twilio-types';

export interface ResourceOperations {
  fetch?: DocsOperation;
  list?: DocsOperation;
}

/** An instance operation ends in a `{param}` segment; the list operation is its parent path. */
export function resourceOperations(operations: readonly DocsOperation[]): ResourceOperations {
  const gets = operations.filter((op) => op.method === 'GET');
  const fetch = gets.find((op) => /\/\{[^}]+\}$/.test(op.path));
  const parent = fetch?.path.replace(/\/\{[^}]+\}$/, '');
  const list = gets.find((op) => op.path === parent) ?? gets.find((op) => !/\}$/.test(op.path));
  return { ...(fetch ? { fetch } : {}), ...(list ? { list } : {}) };
}

export function fieldSchema(field: DocsField, provenance: Provenance): JsonSchema {
  const schema = typeToSchema(field.type, field.constraints.enum);
  const c = field.constraints;
  if (c.pattern !== undefined) schema.pattern = c.pattern;
  if (c.minLength !== undefined) schema.minLength = c.minLength;
  if (c.maxLength !== undefined) schema.maxLength = c.maxLength;
  if (c.minimum !== undefined) schema.minimum = c.minimum;
  if (c.maximum !== undefined) schema.maximum = c.maximum;
  if (c.minItems !== undefined) (schema as Record<string, unknown>).minItems = c.minItems;
  if (c.maxItems !== undefined) (schema as Record<string, unknown>).maxItems = c.maxItems;
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

function objectOf(fields: readonly DocsField[], file: string): JsonSchema {
  const schema: JsonSchema = { type: 'object', properties: {} };
  for (const field of fields) {
    (schema.properties as Record<string, JsonSchema>)[field.name] = fieldSchema(field, {
      source: 'docs-table',
      file,
      line: field.line,
    });
  }
  const required = fields.filter((f) => f.required).map((f) => f.name);
  if (required.length) schema.required = required;
  return schema;
}

/** The list's items key: the one array of objects in the list example, else Twilio's naming rule. */
function itemsKeyOf(list: DocsOperation | undefined, file: string): { key: string; source: Provenance } {
  for (const example of list?.examples ?? []) {
    const keys = arrayKeys(example);
    if (keys.length === 1 && keys[0]) {
      return { key: keys[0], source: { source: 'docs-example', file, line: example.line } };
    }
  }
  const path = list?.path ?? '';
  return {
    key: itemsKeyFromPath(path),
    source: { ...LIST_ENVELOPE_PROVENANCE, note: 'items key from path' },
  };
}

function arrayKeys(example: DocsExample): string[] {
  const value = example.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value)
    .filter(([, v]) => Array.isArray(v))
    .map(([k]) => k);
}

export function deriveFromDocs(page: DocsPage): SchemaSet {
  const file = page.file;
  const ops = resourceOperations(page.operations);
  const fetchPath = ops.fetch?.path ?? `${ops.list?.path ?? ''}/{id}`;
  const listPath = ops.list?.path ?? fetchPath.replace(/\/\{[^}]+\}$/, '');
  const id = (role: Parameters<typeof schemaFileName>[0]) =>
    schemaId('docs', schemaFileName(role, page.resource));

  const resource: JsonSchema = {
    $schema: DRAFT_2020_12,
    $id: id('resource'),
    title: page.resource,
    ...objectOf(page.properties, file),
    'x-source': { source: 'docs-table', file, line: page.propertiesLine },
    ...(ops.fetch ? { 'x-operation': `GET ${ops.fetch.path}` } : {}),
  };

  const items = itemsKeyOf(ops.list, file);
  const listExampleMeta = ops.list?.examples.find((e) => isRecord(e.value) && isRecord(e.value.meta));
  const meta = listMetaProperties();
  for (const [name, schema] of Object.entries(meta)) {
    const seen = listExampleMeta && isRecord(listExampleMeta.value) ? listExampleMeta.value.meta : undefined;
    schema['x-source'] =
      isRecord(seen) && name in seen
        ? [{ source: 'docs-example', file, line: listExampleMeta?.line as number }, LIST_ENVELOPE_PROVENANCE]
        : LIST_ENVELOPE_PROVENANCE;
  }
  const list: JsonSchema = {
    $schema: DRAFT_2020_12,
    $id: id('list'),
    title: `${page.resource} list page`,
    type: 'object',
    properties: {
      [items.key]: {
        type: 'array',
        items: { $ref: schemaFileName('resource', page.resource) },
        'x-source': items.source,
      },
      meta: {
        type: 'object',
        properties: meta,
        required: Object.keys(meta),
        'x-source': LIST_ENVELOPE_PROVENANCE,
      },
    },
    required: [items.key, 'meta'],
    'x-items-key': items.key,
    'x-operation': `GET ${listPath}`,
    'x-source': LIST_ENVELOPE_PROVENANCE,
  };

  const schemas: SchemaSet['schemas'] = { resource, list, error: withId(twilioErrorSchema(), id('error')) };
  if (ops.list) {
    schemas.listQuery = {
      $schema: DRAFT_2020_12,
      $id: id('listQuery'),
      title: `Query of GET ${listPath}`,
      ...objectOf(ops.list.queryParams, file),
      'x-operation': `GET ${listPath}`,
      'x-source': { source: 'docs-table', file, line: ops.list.line },
    };
  }
  if (ops.fetch) {
    schemas.fetchPath = {
      $schema: DRAFT_2020_12,
      $id: id('fetchPath'),
      title: `Path of GET ${fetchPath}`,
      ...objectOf(ops.fetch.pathParams, file),
      'x-operation': `GET ${fetchPath}`,
      'x-source': { source: 'docs-table', file, line: ops.fetch.line },
    };
  }
  return { origin: 'docs', resource: page.resource, itemsKey: items.key, listPath, fetchPath, schemas };
}

function withId(schema: JsonSchema, $id: string): JsonSchema {
  return { $schema: DRAFT_2020_12, $id, ...schema };
}
