// What triangulation compares for one operation, a read or a write: per source (a docs page, the
// spec), the instance it answers with (a fetch's body, a list's item, a write's answer), the request
// body a write takes, and the query and path parameters; and the docs' example outputs, as instances.
// Every triangulation rule reads subjects, so reads and writes are compared alike.

import type { JsonValue } from '../../json';
import type { JsonSchema } from '../../model/json-schema';
import { instanceSchema, type Operation, ORIGINS, type Origin, operationLabel } from '../../model/operation';
import { isListPageValue } from '../../model/twilio-conventions';
import { type WriteOperation, writeLabel } from '../../model/writes';

export interface Parts {
  instance?: JsonSchema;
  /** A write's request body. */
  body?: JsonSchema;
  query?: JsonSchema;
  path?: JsonSchema;
}

export interface Subject {
  /** "GET /v1/Tools", "POST /v1/Tools": how findings name the operation. */
  label: string;
  parts: Partial<Record<Origin, Parts>>;
  /** Each instance the docs' example outputs show (a list's items one by one), with where it is. */
  instances: Array<{ at: string; value: JsonValue }>;
  /** Whether the docs show any example output for it. */
  exampled: boolean;
  read?: Operation;
  write?: WriteOperation;
}

export function readSubject(op: Operation): Subject {
  const parts: Subject['parts'] = {};
  for (const origin of ORIGINS) {
    const s = op.schemas[origin];
    if (!s) continue;
    const instance = instanceSchema(op, origin);
    parts[origin] = {
      ...(instance ? { instance } : {}),
      ...(s.query ? { query: s.query } : {}),
      ...(s.path ? { path: s.path } : {}),
    };
  }
  const instances = (op.examples ?? []).flatMap((ex) => {
    const at = `${ex.file}:${ex.line}`;
    const items =
      op.kind === 'list' && op.itemsKey && isListPageValue(ex.value) ? ex.value[op.itemsKey] : undefined;
    const values = op.kind === 'list' ? (Array.isArray(items) ? (items as JsonValue[]) : []) : [ex.value];
    return values.map((value) => ({ at, value }));
  });
  return { label: operationLabel(op), parts, instances, exampled: (op.examples?.length ?? 0) > 0, read: op };
}

export function writeSubject(w: WriteOperation): Subject {
  const parts: Subject['parts'] = {};
  for (const origin of ORIGINS) {
    const s = w.sources?.[origin];
    if (!s) continue;
    parts[origin] = {
      ...(s.response ? { instance: s.response } : {}),
      ...(s.request ? { body: s.request } : {}),
    };
  }
  const instances = (w.examples ?? []).map((ex) => ({ at: `${ex.file}:${ex.line}`, value: ex.value }));
  return { label: writeLabel(w), parts, instances, exampled: instances.length > 0, write: w };
}

/** Both a docs page and the spec describe it. */
export const described = (s: Subject): boolean => s.parts.docs !== undefined && s.parts.openapi !== undefined;
