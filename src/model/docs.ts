// A parsed docs page → operation descriptors with the page's own schemas: every operation it
// documents, reads and writes. Everything comes from the page's tables; the list envelope and the
// error body come from Twilio's conventions and say so in their provenance. A page yields only the
// operations it shows (a list-only page has no fetch). Names the newer layout prints in camelCase are
// turned into the API's own spelling (accountSid → account_sid, pageSize → PageSize); the printed
// name stays on the schema as x-docs-name.

import { isRecord, type JsonValue } from '../json';
import type { DocsField, DocsOperation, DocsPage } from '../sources/docs-page';
import type { TwilioType } from '../sources/twilio-types';
import type { JsonSchema, Provenance } from './json-schema';
import { valuesInDescription } from './openapi';
import {
  type Operation,
  type OperationKind,
  type OperationSchemas,
  pathParamNames,
  pathShape,
  resourceOf,
} from './operation';
import {
  apiName,
  isListPageValue,
  itemsKeyFromPath,
  LIST_ENVELOPE_PROVENANCE,
  listMetaProperties,
  type NameRole,
} from './twilio-conventions';
import type { WriteMethod, WriteOperation } from './writes';

/** A write as its sources state it (a docs page, the spec), before build.ts joins them and links it. */
export type StatedWrite = Omit<WriteOperation, 'action' | 'effect' | 'pathParams' | 'success'>;

export interface DocsOperations {
  reads: Operation[];
  writes: StatedWrite[];
  /** One line per operation of the page the model could not use, saying why. */
  unused: string[];
}

/** The page's operations in the API's spelling: a camelCase page's names turned into the API's. */
function normalised(page: DocsPage): DocsPage {
  if (page.layout !== 'camel') return page;
  const rename = (fields: readonly DocsField[], role: NameRole, encoding?: string): DocsField[] =>
    fields.map((f) => {
      const name = apiName(f.name, role, encoding);
      return name === f.name ? f : { ...f, name, printed: f.name };
    });
  return {
    ...page,
    properties: rename(page.properties, 'field'),
    operations: page.operations.map((op) => ({
      ...op,
      pathParams: rename(op.pathParams, 'path'),
      queryParams: rename(op.queryParams, 'query'),
      bodyParams: rename(op.bodyParams, 'body', op.bodyEncoding),
      examples: op.examples.map((e) => ({ ...e, value: exampleInApiSpelling(e.value) })),
    })),
  };
}

/**
 * An example output a camelCase page prints with camelCase keys, in the API's spelling: the keys of
 * the body, of its envelope and of each item (nested free-form objects, a message's content, stay).
 */
function exampleInApiSpelling(value: JsonValue): JsonValue {
  const keys = (v: JsonValue, depth: number): JsonValue => {
    if (Array.isArray(v)) return depth > 0 ? v.map((x) => keys(x, depth - 1)) : v;
    if (!isRecord(v)) return v;
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [
        /^[a-z][a-z0-9]*[A-Z]/.test(k) ? apiName(k, 'field') : k,
        depth > 0 ? keys(x as JsonValue, depth - 1) : x,
      ]),
    ) as JsonValue;
  };
  return keys(value, 2);
}

export function operationsFromDocs(source: DocsPage): DocsOperations {
  const page = normalised(source);
  const unused: string[] = [];
  const seen = new Set<string>();
  const used = page.operations.filter((op) => {
    // Its tables end where the capture does: what they would say next is unknown, not silent.
    if (op.cutOff !== undefined) {
      unused.push(
        `${page.file}:${op.line}: ${op.method} ${op.path} is left out: the page ends inside its table (the row at line ${op.cutOff}), cut off there`,
      );
      return false;
    }
    const key = `${op.method} ${pathShape(op.path)}`;
    if (!seen.has(key)) return seen.add(key);
    unused.push(
      `${page.file}:${op.line}: ${op.method} ${op.path} is documented twice on this page; the first is used`,
    );
    return false;
  });
  if (page.operations.length === 0)
    unused.push(`${page.file}: documents no operation (no "GET https://…" line)`);
  for (const u of page.unread ?? []) unused.push(`${page.file}:${u.line}: ${u.detail}`);
  if (page.endsInSample !== undefined)
    unused.push(
      `${page.file}:${page.endsInSample}: the page ends inside a code sample: cut off there? What the page has after it is not in this capture`,
    );
  const gets = used.filter((op) => op.method === 'GET');
  return {
    reads: gets.map((op) => readFrom(page, op)),
    writes: used.filter((op) => op.method !== 'GET').map((op) => writeFrom(page, op, gets)),
    unused,
  };
}

/** The page's resource: its properties table as one object schema. */
function instanceOf(page: DocsPage): JsonSchema {
  return {
    title: page.resource,
    ...objectOf(page.properties, page.file),
    'x-source': { source: 'docs-table', file: page.file, line: page.propertiesLine },
  };
}

function readFrom(page: DocsPage, op: DocsOperation): Operation {
  const file = page.file;
  const kind = kindOf(op);
  const itemsKey = kind === 'list' ? itemsKeyOf(op, file) : undefined;
  const instance = instanceOf(page);
  const schemas: OperationSchemas = {
    response: itemsKey ? listPage(op, itemsKey, instance, page.resource, file) : instance,
  };
  const table = (fields: readonly DocsField[]): JsonSchema => ({
    ...objectOf(fields, file),
    'x-source': { source: 'docs-table', file, line: op.line },
  });
  if (kind === 'list' || op.queryParams.length) schemas.query = table(op.queryParams);
  if (op.pathParams.length) schemas.path = table(op.pathParams);
  return {
    id: docsOperationId(op.method, kind, op.path),
    method: 'GET',
    path: op.path,
    kind,
    resource: resourceOf(op.path),
    pathParams: pathParamNames(op.path).map((name) => ({ name })),
    ...(itemsKey ? { itemsKey: itemsKey.key } : {}),
    schemas: { docs: schemas },
    examples: op.examples.map((e) => ({ file, line: e.line, value: e.value })),
  };
}

/**
 * A write as the page states it: its body table, and, as its answer, the page's resource when the
 * page shows an example output for it or when it is the page's create (a POST where the page lists)
 * or update (where the page fetches): Twilio answers those with the resource. Docs pages state no
 * statuses; those are Twilio's convention, for a write no other source describes.
 */
function writeFrom(page: DocsPage, op: DocsOperation, gets: readonly DocsOperation[]): StatedWrite {
  const file = page.file;
  const method = op.method as WriteMethod;
  const shape = pathShape(op.path);
  const readHere = gets.find((g) => pathShape(g.path) === shape);
  const createOrUpdate =
    readHere !== undefined && (method === 'POST' || method === 'PUT' || method === 'PATCH');
  const answers = op.examples.some((e) => isRecord(e.value)) || createOrUpdate;
  const request: JsonSchema | undefined = op.bodyParams.length
    ? { ...objectOf(op.bodyParams, file), 'x-source': { source: 'docs-table', file, line: op.line } }
    : undefined;
  const response = answers ? instanceOf(page) : undefined;
  const creates = method === 'POST' && readHere !== undefined && kindOf(readHere) === 'list';
  return {
    id: docsOperationId(method, creates ? 'list' : 'instance', op.path),
    method,
    path: op.path,
    resource: resourceOf(op.path),
    statuses: [method === 'DELETE' || !response ? '204' : creates ? '201' : '200'],
    ...(request ? { request } : {}),
    requestRequired: request?.required !== undefined,
    ...(response ? { response } : {}),
    sources: { docs: { ...(request ? { request } : {}), ...(response ? { response } : {}) } },
    examples: op.examples.map((e) => ({ file, line: e.line, value: e.value })),
  };
}

/**
 * A list shows `meta` in its example, or takes paging parameters (Page, PageSize, PageToken, in any
 * case: the newer layout prints pageSize); otherwise a GET reads one instance.
 */
function kindOf(op: DocsOperation): OperationKind {
  if (op.examples.some((e) => isListPageValue(e.value))) return 'list';
  if (op.examples.length) return 'instance';
  return op.queryParams.some((p) => /^page(size|token)?$/i.test(p.name)) ? 'list' : 'instance';
}

const VERB: Record<string, string> = { POST: 'Create', PUT: 'Update', PATCH: 'Update', DELETE: 'Delete' };

/** An id made from the path for an operation no spec names: ListSessions, FetchSessions, CreateTools… */
export function docsOperationId(method: string, kind: OperationKind, path: string): string {
  const words = path
    .split('/')
    .filter((p) => p && !p.startsWith('{') && !/^v\d+$/.test(p))
    .join('');
  if (method !== 'GET')
    return `${method === 'POST' && kind === 'instance' ? 'Update' : VERB[method]}${words}`;
  return `${kind === 'list' ? 'List' : 'Fetch'}${words}`;
}

/** The list's items key: the one array in the list example, else Twilio's naming rule. */
function itemsKeyOf(op: DocsOperation, file: string): { key: string; source: Provenance } {
  for (const example of op.examples) {
    const value = example.value;
    const keys = isListPageValue(value)
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
  const example = op.examples.find((e) => isListPageValue(e.value));
  const seen =
    example && isListPageValue(example.value) && isRecord(example.value.meta) ? example.value.meta : {};
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
  for (const field of fields) {
    const schema = fieldSchema(field, { source: 'docs-table', file, line: field.line });
    properties[field.name] = field.printed ? { ...schema, 'x-docs-name': field.printed } : schema;
  }
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
  // Values a page lists only in prose ("('Web', 'Database', 'Text', 'File')"), read as the spec's are.
  const values = valuesInDescription({ ...schema });
  if (values) schema['x-values'] = values;
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
