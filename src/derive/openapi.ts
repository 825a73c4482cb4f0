// Twilio's OpenAPI 3.0 spec → the same schema set the docs give, so the two can be compared and
// either can serve as the contract. OpenAPI 3.0 `nullable` becomes a JSON Schema type union.

import { basename } from 'node:path';
import { isRecord } from '../json';
import { DRAFT_2020_12, type JsonSchema, type Provenance } from './json-schema';
import { type SchemaRole, type SchemaSet, schemaFileName, schemaId } from './schema-set';

export class SpecError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'SpecError';
  }
}

type Node = Record<string, unknown>;

const COPIED = [
  'type',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'enum',
  'default',
  'description',
] as const;

export interface OpenApiTarget {
  listPath: string;
  fetchPath: string;
  /** Resource name to title the schemas with (the docs page's, when there is one). */
  resource?: string;
}

export function deriveFromOpenApi(spec: unknown, file: string, target: OpenApiTarget): SchemaSet {
  const name = basename(file);
  const fail = (detail: string): never => {
    throw new SpecError(name, detail);
  };
  if (!isRecord(spec) || typeof spec.openapi !== 'string' || !isRecord(spec.paths)) {
    return fail('not an OpenAPI 3 document (no "openapi" version or "paths")');
  }
  const paths = spec.paths;
  const getOf = (path: string): Node | undefined => {
    const item = paths[path];
    return isRecord(item) && isRecord(item.get) ? item.get : undefined;
  };
  const fetchOp = getOf(target.fetchPath);
  const listOp = getOf(target.listPath);
  if (!fetchOp && !listOp) fail(`has no GET ${target.fetchPath} nor GET ${target.listPath}`);

  const resolve = (ref: string): { node: Node; pointer: string } => {
    const pointer = ref.startsWith('#') ? ref.slice(1) : fail(`external $ref "${ref}" is not supported`);
    const node = pointer
      .split('/')
      .slice(1)
      .reduce<unknown>(
        (n, part) => (isRecord(n) ? n[part.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined),
        spec,
      );
    return isRecord(node) ? { node, pointer: ref } : fail(`$ref "${ref}" points at nothing`);
  };

  const okSchema = (op: Node | undefined, path: string): { node: Node; pointer: string } | undefined => {
    const base = `#/paths/${path.replaceAll('~', '~0').replaceAll('/', '~1')}/get/responses/200/content/application~1json/schema`;
    const responses = op && isRecord(op.responses) ? op.responses : undefined;
    const ok = responses && isRecord(responses['200']) ? responses['200'] : undefined;
    const content = ok && isRecord(ok.content) ? ok.content['application/json'] : undefined;
    const schema = isRecord(content) && isRecord(content.schema) ? content.schema : undefined;
    if (!schema) return undefined;
    return typeof schema.$ref === 'string' ? resolve(schema.$ref) : { node: schema, pointer: base };
  };

  const fetched = okSchema(fetchOp, target.fetchPath);
  const listed = okSchema(listOp, target.listPath);
  const resourceRef = fetched?.pointer;
  const resource = target.resource ?? titleFromPointer(resourceRef) ?? 'Resource';
  const id = (role: SchemaRole) => schemaId('openapi', schemaFileName(role, resource));
  const convert = (node: Node, pointer: string): JsonSchema => {
    if (typeof node.$ref === 'string') {
      if (node.$ref === resourceRef) return { $ref: schemaFileName('resource', resource) };
      const target = resolve(node.$ref);
      return convert(target.node, target.pointer);
    }
    const out: JsonSchema = {};
    for (const key of COPIED) if (node[key] !== undefined) (out as Node)[key] = node[key];
    if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
    if (isRecord(node.properties)) {
      out.properties = {};
      for (const [prop, child] of Object.entries(node.properties)) {
        if (!isRecord(child)) continue;
        const childPointer = `${pointer}/properties/${prop}`;
        out.properties[prop] = { ...convert(child, childPointer), 'x-source': src(childPointer) };
      }
    }
    if (Array.isArray(node.required))
      out.required = node.required.filter((r): r is string => typeof r === 'string');
    if (isRecord(node.items)) out.items = convert(node.items, `${pointer}/items`);
    if (typeof node.additionalProperties === 'boolean') out.additionalProperties = node.additionalProperties;
    return out;
  };
  const src = (pointer: string): Provenance => ({ source: 'openapi', file: name, pointer });
  const top = (
    role: SchemaRole,
    title: string,
    body: JsonSchema,
    pointer: string,
    path: string,
  ): JsonSchema => ({
    $schema: DRAFT_2020_12,
    $id: id(role),
    title,
    ...body,
    'x-operation': `GET ${path}`,
    'x-source': src(pointer),
  });

  if (!fetched && !listed) fail(`documents no 200 application/json body for ${target.fetchPath}`);
  const schemas: Partial<SchemaSet['schemas']> = {};
  if (fetched) {
    schemas.resource = top(
      'resource',
      resource,
      convert(fetched.node, fetched.pointer),
      fetched.pointer,
      target.fetchPath,
    );
  }
  let itemsKey = '';
  if (listed) {
    const body = convert(listed.node, listed.pointer);
    itemsKey = Object.entries(body.properties ?? {}).find(([, s]) => s.type === 'array')?.[0] ?? '';
    schemas.list = {
      ...top('list', `${resource} list page`, body, listed.pointer, target.listPath),
      'x-items-key': itemsKey,
    };
    if (!schemas.resource) {
      const items = body.properties?.[itemsKey]?.items;
      if (items) schemas.resource = top('resource', resource, items, listed.pointer, target.fetchPath);
    }
  }
  const params = (op: Node | undefined, where: 'query' | 'path', path: string): JsonSchema | undefined => {
    if (!op || !Array.isArray(op.parameters)) return undefined;
    const schema: JsonSchema = { type: 'object', properties: {} };
    const required: string[] = [];
    op.parameters.forEach((raw, k) => {
      const p = isRecord(raw) && typeof raw.$ref === 'string' ? resolve(raw.$ref).node : raw;
      if (!isRecord(p) || p.in !== where || typeof p.name !== 'string') return;
      const pointer = `#/paths/${path.replaceAll('/', '~1')}/get/parameters/${k}`;
      const body = isRecord(p.schema) ? convert(p.schema, `${pointer}/schema`) : {};
      if (typeof p.description === 'string') body.description = p.description;
      (schema.properties as Record<string, JsonSchema>)[p.name] = { ...body, 'x-source': src(pointer) };
      if (p.required === true) required.push(p.name);
    });
    if (required.length) schema.required = required;
    return schema;
  };
  const query = params(listOp, 'query', target.listPath);
  if (query)
    schemas.listQuery = top(
      'listQuery',
      `Query of GET ${target.listPath}`,
      query,
      '#/paths',
      target.listPath,
    );
  const path = params(fetchOp, 'path', target.fetchPath);
  if (path)
    schemas.fetchPath = top(
      'fetchPath',
      `Path of GET ${target.fetchPath}`,
      path,
      '#/paths',
      target.fetchPath,
    );
  const error = errorSchema(fetchOp ?? listOp, convert);
  if (error) schemas.error = { $schema: DRAFT_2020_12, $id: id('error'), ...error };

  if (!schemas.resource) return fail(`no resource schema found for ${target.fetchPath}`);
  return {
    origin: 'openapi',
    resource,
    itemsKey,
    listPath: target.listPath,
    fetchPath: target.fetchPath,
    schemas: { ...schemas, resource: schemas.resource },
  };
}

/** The first 4xx response with a JSON body, if the spec documents any. */
function errorSchema(
  op: Node | undefined,
  convert: (n: Node, p: string) => JsonSchema,
): JsonSchema | undefined {
  const responses = op && isRecord(op.responses) ? op.responses : {};
  for (const [status, response] of Object.entries(responses)) {
    if (!/^4/.test(status) || !isRecord(response) || !isRecord(response.content)) continue;
    const json = response.content['application/json'];
    if (isRecord(json) && isRecord(json.schema)) return convert(json.schema, `#/responses/${status}`);
  }
  return undefined;
}

/** HTTP statuses each operation documents, for the triangulation and drift reports. */
export function documentedStatuses(spec: unknown, path: string): string[] {
  if (!isRecord(spec) || !isRecord(spec.paths)) return [];
  const item = spec.paths[path];
  const get = isRecord(item) && isRecord(item.get) ? item.get : undefined;
  return get && isRecord(get.responses) ? Object.keys(get.responses) : [];
}

function titleFromPointer(pointer: string | undefined): string | undefined {
  const last = pointer?.split('/').at(-1)?.split('.').at(-1);
  return last ? last.charAt(0).toUpperCase() + last.slice(1) : undefined;
}
