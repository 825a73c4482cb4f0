// Any OpenAPI 3 document, JSON or YAML, as a drift side of its own: every operation of every method,
// its path, query and header parameters, its request body per media type, and every documented
// response status with its body. A spec with no list, or no GET, is still a spec. Two such sides are
// compared at full depth (rules/drift-table.ts): operations added or removed, nested fields,
// requests and statuses.

import { statSync } from 'node:fs';
import { UsageError } from '../errors';
import { readTextFile } from '../fs-read';
import { escapePointer, isRecord } from '../json';
import type { JsonSchema } from '../model/json-schema';
import { SpecError, schemaConverter } from '../model/openapi';
import { pathShape } from '../model/operation';
import type { DriftOperation, DriftSide } from '../rules/drift-table';
import { isOpenApi, parseSpecText } from '../sources/spec';

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

function build(doc: Record<string, unknown>, label: string): DriftSide {
  const { convert, resolveRef } = schemaConverter(doc, label);
  const deref = (node: unknown): Record<string, unknown> | undefined =>
    isRecord(node) && typeof node.$ref === 'string'
      ? resolveRef(node.$ref).node
      : isRecord(node)
        ? node
        : undefined;
  const operations: DriftOperation[] = [];
  for (const [path, rawItem] of Object.entries(doc.paths as Record<string, unknown>)) {
    const item = deref(rawItem);
    if (!item) continue;
    for (const method of METHODS) {
      const op = deref(item[method]);
      if (!op) continue;
      const base = `#/paths/${escapePointer(path)}/${method}`;
      // Parameters: the path item's, overridden by the operation's (same name and place).
      const params = new Map<string, Record<string, unknown>>();
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
      const requestBody: Record<string, JsonSchema> = {};
      const rb = deref(op.requestBody);
      if (rb && isRecord(rb.content))
        for (const [media, content] of Object.entries(rb.content))
          if (isRecord(content) && isRecord(content.schema)) {
            const schema = convert(
              content.schema,
              `${base}/requestBody/content/${escapePointer(media)}/schema`,
            );
            // A body the request must send: its fields required as the schema says; an optional body, none.
            requestBody[media] = rb.required === true ? schema : { ...schema, required: [] };
          }
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
