// Any OpenAPI 3 document, JSON or YAML, as a drift side of its own: every operation of every method,
// its path, query and header parameters, its request body per media type, and every documented
// response status with its body. A spec with no list, or no GET, is still a spec. Two such sides are
// compared at full depth (diff.ts): operations added or removed, nested fields,
// requests and statuses.

import { statSync } from 'node:fs';
import { UsageError } from '../errors';
import { readTextFile } from '../fs-read';
import { escapePointer, isRecord } from '../json';
import type { JsonSchema } from '../model/json-schema';
import { SpecError, schemaConverter } from '../model/openapi';
import { pathShape } from '../model/operation';
import { isOpenApi, parseSpecText } from '../sources/spec';
import type { DriftOperation, DriftSide } from './side';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The OpenAPI document in a file, JSON or YAML; undefined when the file is something else. */
export function readSpecDocument(file: string): Record<string, unknown> | undefined {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(file);
  } catch {
    return undefined;
  }
  if (!st.isFile()) return undefined;
  const text = readTextFile(file, 'spec');
  const yaml = /\.ya?ml$/i.test(file) || /^\s*(#.*\n\s*)*["']?openapi["']?\s*:/.test(text);
  if (!yaml && !text.trimStart().startsWith('{')) return undefined;
  if (!yaml) {
    try {
      const doc: unknown = JSON.parse(text);
      return isOpenApi(doc) ? doc : undefined;
    } catch {
      return undefined;
    }
  }
  const doc = parseSpecText(text, file);
  if (!isOpenApi(doc))
    throw new UsageError(`${file}: YAML that is not an OpenAPI 3 document (no "openapi" or "paths")`);
  return doc;
}

/** How operations of two specs are matched: the method and the path with parameter names erased. */
export const specKey = (method: string, path: string): string => `${method.toUpperCase()} ${pathShape(path)}`;

export function specSide(doc: Record<string, unknown>, label: string): DriftSide {
  try {
    return build(doc, label);
  } catch (error) {
    if (error instanceof SpecError) throw new UsageError(error.message);
    throw error;
  }
}

type Node = Record<string, unknown>;
/** How a spec's nodes are read: `$ref` followed, schemas converted with their pointers. */
interface Reader {
  convert: (node: Node, pointer: string) => JsonSchema;
  deref: (node: unknown) => Node | undefined;
}

function build(doc: Node, label: string): DriftSide {
  const { convert, resolveRef } = schemaConverter(doc, label);
  const deref = (node: unknown): Node | undefined =>
    isRecord(node) && typeof node.$ref === 'string'
      ? resolveRef(node.$ref).node
      : isRecord(node)
        ? node
        : undefined;
  const reader: Reader = { convert, deref };
  const operations: DriftOperation[] = [];
  for (const [path, rawItem] of Object.entries(doc.paths as Node)) {
    const item = deref(rawItem);
    if (!item) continue;
    for (const method of METHODS) {
      const op = deref(item[method]);
      if (!op) continue;
      const base = `#/paths/${escapePointer(path)}/${method}`;
      const roles = parametersOf(reader, path, base, item, op);
      const requestBody = requestBodyOf(reader, base, op);
      const responses = responsesOf(reader, base, op);
      operations.push({
        key: specKey(method, path),
        label: `${method.toUpperCase()} ${path}`,
        ...(roles.query ? { query: roles.query } : {}),
        ...(roles.path ? { path: roles.path } : {}),
        ...(roles.header ? { header: roles.header } : {}),
        ...(Object.keys(requestBody).length ? { requestBody } : {}),
        responses,
        statuses: Object.keys(responses).sort(),
      });
    }
  }
  return { label, kind: 'spec', operations };
}

/** Path, query and header parameters as object schemas: the path item's, overridden by the operation's. */
function parametersOf(
  { convert, deref }: Reader,
  path: string,
  base: string,
  item: Node,
  op: Node,
): Partial<Record<'query' | 'path' | 'header', JsonSchema>> {
  const params = new Map<string, Node>();
  for (const [at, list] of [
    [`#/paths/${escapePointer(path)}/parameters`, item.parameters],
    [`${base}/parameters`, op.parameters],
  ] as const) {
    if (!Array.isArray(list)) continue;
    list.forEach((raw, k) => {
      const p = deref(raw);
      if (p && typeof p.name === 'string' && typeof p.in === 'string')
        params.set(`${p.in}\u0000${p.name}`, { ...p, 'x-at': `${at}/${k}` });
    });
  }
  const roles: Partial<Record<'query' | 'path' | 'header', JsonSchema>> = {};
  for (const p of params.values()) {
    const role = p.in as string;
    if (role !== 'query' && role !== 'path' && role !== 'header') continue;
    const name = role === 'header' ? String(p.name).toLowerCase() : String(p.name);
    const schema = isRecord(p.schema) ? convert(p.schema, `${p['x-at']}/schema`) : {};
    roles[role] ??= { type: 'object', properties: {}, required: [] };
    const target = roles[role] as JsonSchema;
    (target.properties as Record<string, JsonSchema>)[name] = schema;
    if (p.required === true || role === 'path') target.required?.push(name);
  }
  return roles;
}

/** The request body per media type; an optional body requires none of its fields. */
function requestBodyOf({ convert, deref }: Reader, base: string, op: Node): Record<string, JsonSchema> {
  const requestBody: Record<string, JsonSchema> = {};
  const rb = deref(op.requestBody);
  if (!rb || !isRecord(rb.content)) return requestBody;
  for (const [media, content] of Object.entries(rb.content))
    if (isRecord(content) && isRecord(content.schema)) {
      const schema = convert(content.schema, `${base}/requestBody/content/${escapePointer(media)}/schema`);
      // A body the request must send: its fields required as the schema says; an optional body, none.
      requestBody[media] = rb.required === true ? schema : { ...schema, required: [] };
    }
  return requestBody;
}

/** Every documented status with its body (the JSON one when several media types are given). */
function responsesOf(
  { convert, deref }: Reader,
  base: string,
  op: Node,
): Record<string, JsonSchema | undefined> {
  const responses: Record<string, JsonSchema | undefined> = {};
  for (const [status, raw] of Object.entries(isRecord(op.responses) ? op.responses : {})) {
    const r = deref(raw);
    const content = r && isRecord(r.content) ? r.content : undefined;
    const media = content
      ? (Object.keys(content).find((m) => /json/i.test(m)) ?? Object.keys(content)[0])
      : undefined;
    const entry = media && content ? content[media] : undefined;
    const schema = isRecord(entry) ? entry.schema : undefined;
    responses[status] = isRecord(schema)
      ? convert(
          schema,
          `${base}/responses/${escapePointer(status)}/content/${escapePointer(media as string)}/schema`,
        )
      : undefined;
  }
  return responses;
}
