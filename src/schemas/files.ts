// The model on disk: schemas/model.json holds every operation descriptor, and each source's schemas
// sit beside it, one file per operation and role (schemas/openapi/list-sessions.response.schema.json,
// schemas/docs/fetch-session.response.schema.json, …), so runs need no sources and reviewers see
// what changed. A write's bodies are there per source too (schemas/docs/create-tool.request.schema.json),
// and merged, as bodies and the provider read them, in schemas/writes/. Files are checked against the
// 2020-12 meta-schema before use.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UsageError } from '../errors';
import { type OutputFile, stableJson } from '../fs-atomic';
import { readTextFile } from '../fs-read';
import { isRecord } from '../json';
import { jsonDiff } from '../json-diff';
import type { ApiInfo } from '../model/api';
import { DRAFT_2020_12, type JsonSchema } from '../model/json-schema';
import type { ApiModel } from '../model/model';
import {
  type Operation,
  type OperationSchemas,
  ORIGINS,
  type Origin,
  type Unmodelled,
} from '../model/operation';
import type { WriteOperation, WriteSchemas } from '../model/writes';
import {
  ERROR_FILE,
  MODEL_FILE,
  type SchemaRole,
  schemaFile,
  schemaIdOf,
  WRITES_DIR,
  writeSchemaFile,
} from './ids';
import { schemasChecked, schemasDigest } from './standalone';
import { schemaChecker } from './validator';

export { ERROR_FILE, MODEL_FILE, SCHEMA_BASE, type SchemaRole, schemaFile, schemaIdOf } from './ids';

const ROLES: readonly SchemaRole[] = ['response', 'query', 'path'];

interface StoredSchemas {
  response: string;
  query?: string;
  path?: string;
  statuses?: string[];
}
interface StoredOperation extends Omit<Operation, 'schemas'> {
  schemas: Partial<Record<Origin, StoredSchemas>>;
}
interface StoredWriteSchemas {
  request?: string;
  response?: string;
  statuses?: string[];
}
interface StoredWrite extends Omit<WriteOperation, 'request' | 'response' | 'sources'> {
  /** The merged bodies (schemas/writes/…); each source's own under its folder (`sources`). */
  request?: string;
  response?: string;
  sources?: Partial<Record<Origin, StoredWriteSchemas>>;
}
interface StoredModel {
  generatedBy: string;
  api: ApiInfo;
  error: string;
  operations: StoredOperation[];
  writes: StoredWrite[];
  unmodelled?: Unmodelled[];
}

/** A write's request and response schemas, as files of the spec's folder. */
const WRITE_ROLES = ['request', 'response'] as const;

/** One schema as the file it is written to (with its $id and the operation it belongs to); returns its name. */
function pushSchema(
  files: OutputFile[],
  dir: string,
  file: string,
  op: Pick<Operation, 'id' | 'method' | 'path'> | Pick<WriteOperation, 'id' | 'method' | 'path'>,
  schema: JsonSchema,
): string {
  files.push({
    path: join(dir, file),
    data: stableJson({
      $schema: DRAFT_2020_12,
      $id: schemaIdOf(file),
      ...schema,
      'x-operation': `${op.method} ${op.path}`,
    }),
  });
  return file;
}

/** Every file `npm run schemas` writes for a model. */
export function modelFiles(model: ApiModel, dir: string): OutputFile[] {
  const files: OutputFile[] = [];
  const operations: StoredOperation[] = model.operations.map((op) => {
    const schemas: Partial<Record<Origin, StoredSchemas>> = {};
    for (const origin of ORIGINS) {
      const own = op.schemas[origin];
      if (!own) continue;
      const stored: Partial<StoredSchemas> = {};
      for (const role of ROLES) {
        const schema = own[role];
        if (!schema) continue;
        stored[role] = pushSchema(files, dir, schemaFile(origin, op, role), op, schema);
      }
      if (own.statuses) stored.statuses = own.statuses;
      schemas[origin] = stored as StoredSchemas;
    }
    return { ...op, schemas };
  });
  const writes: StoredWrite[] = model.writes.map((w) => {
    const { request: _q, response: _r, sources, ...rest } = w;
    const stored: StoredWrite = rest;
    for (const role of WRITE_ROLES) {
      const schema = w[role];
      if (schema) stored[role] = pushSchema(files, dir, writeSchemaFile(w, role), w, schema);
    }
    for (const origin of ORIGINS) {
      const own = sources?.[origin];
      if (!own) continue;
      const kept: StoredWriteSchemas = own.statuses ? { statuses: own.statuses } : {};
      for (const role of WRITE_ROLES) {
        const schema = own[role];
        if (schema) kept[role] = pushSchema(files, dir, schemaFile(origin, w, role), w, schema);
      }
      stored.sources = { ...stored.sources, [origin]: kept };
    }
    return stored;
  });
  files.push({
    path: join(dir, ERROR_FILE),
    data: stableJson({ $schema: DRAFT_2020_12, $id: schemaIdOf(ERROR_FILE), ...model.error }),
  });
  const stored: StoredModel = {
    generatedBy: 'npm run schemas',
    api: model.api,
    error: ERROR_FILE,
    operations,
    writes,
    ...(model.unmodelled?.length ? { unmodelled: model.unmodelled } : {}),
  };
  files.push({ path: join(dir, MODEL_FILE), data: stableJson(stored) });
  return files;
}

/** Schema files in the folder that the model no longer names (a renamed or dropped operation). */
export function leftoverSchemaFiles(expected: readonly OutputFile[], dir: string): string[] {
  const wanted = new Set(expected.map((f) => f.path));
  const out: string[] = [];
  for (const sub of ['', WRITES_DIR, ...ORIGINS]) {
    const folder = join(dir, sub);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder))
      if (name.endsWith('.json') && !wanted.has(join(folder, name))) out.push(join(folder, name));
  }
  return out;
}

// Checks hand-edited or corrupted schema files against the 2020-12 meta-schema before use (the
// process's one checker, built on first use).
const metaSchemaChecker = schemaChecker;

/**
 * The model stored in a schemas folder. Its files are checked against the meta-schema, unless the
 * build already checked these exact bytes (src/schemas/standalone.ts): then only their $ids are; a
 * folder whose bytes differ in any way, or that cannot be read, is read again with every check, so
 * what a broken folder says is what it always said.
 */
export function loadModel(dir: string): ApiModel {
  try {
    const digest = schemasDigest();
    const model = readModel(dir, false, digest.add);
    if (schemasChecked(digest.value())) return model;
  } catch {}
  return readModel(dir, true);
}

/** The model read with every check (the build's), and the digest its files are marked checked under. */
export function loadCheckedModel(dir: string): { model: ApiModel; digest: string } {
  const digest = schemasDigest();
  const model = readModel(dir, true, digest.add);
  return { model, digest: digest.value() };
}

function readModel(dir: string, check: boolean, onText?: (file: string, text: string) => void): ApiModel {
  const modelPath = join(dir, MODEL_FILE);
  const stored = readJson(modelPath, (text) => onText?.(MODEL_FILE, text));
  if (!isRecord(stored) || !Array.isArray(stored.operations) || typeof stored.error !== 'string') {
    throw new UsageError(`${modelPath}: not a model file (run npm run schemas)`);
  }
  const schemaAt = (file: string): JsonSchema => {
    const path = join(dir, file);
    const schema = readJson(path, (text) => onText?.(file, text));
    const metaSchema = check ? metaSchemaChecker() : undefined;
    if (!isRecord(schema) || (metaSchema && !metaSchema.validateSchema(schema))) {
      throw new UsageError(`${path}: not a valid JSON Schema (${metaSchema?.errorsText(metaSchema.errors)})`);
    }
    if (schema.$id !== schemaIdOf(file)) throw new UsageError(`${path}: $id is not ${schemaIdOf(file)}`);
    return schema as JsonSchema;
  };
  const operations = (stored.operations as StoredOperation[]).map((op, k) => {
    if (!isRecord(op) || typeof op.id !== 'string' || typeof op.path !== 'string' || !isRecord(op.schemas))
      throw new UsageError(`${modelPath}: operations/${k} is not an operation descriptor`);
    const schemas: Partial<Record<Origin, OperationSchemas>> = {};
    for (const origin of ORIGINS) {
      const s = op.schemas[origin];
      if (!s) continue;
      schemas[origin] = {
        response: schemaAt(s.response),
        ...(s.query ? { query: schemaAt(s.query) } : {}),
        ...(s.path ? { path: schemaAt(s.path) } : {}),
        ...(s.statuses ? { statuses: s.statuses } : {}),
      };
    }
    return { ...op, schemas } as Operation;
  });
  const storedWrites = Array.isArray(stored.writes) ? (stored.writes as StoredWrite[]) : [];
  const writes = storedWrites.map((w, k) => {
    if (
      !isRecord(w) ||
      typeof w.id !== 'string' ||
      typeof w.path !== 'string' ||
      typeof w.method !== 'string'
    )
      throw new UsageError(`${modelPath}: writes/${k} is not a write descriptor`);
    return loadWrite(w, schemaAt);
  });
  const api = stored.api;
  if (!isRecord(api) || typeof api.title !== 'string' || typeof api.product !== 'string')
    throw new UsageError(`${modelPath}: does not say which API it describes (run npm run schemas)`);
  const unmodelled = Array.isArray(stored.unmodelled) ? (stored.unmodelled as Unmodelled[]) : [];
  return {
    api: api as unknown as ApiInfo,
    operations,
    writes,
    error: schemaAt(stored.error),
    ...(unmodelled.length ? { unmodelled } : {}),
  };
}

/** A stored write with its merged bodies and each source's own, read from their files. */
function loadWrite(w: StoredWrite, schemaAt: (file: string) => JsonSchema): WriteOperation {
  const { request, response, sources, ...rest } = w;
  const own: Partial<Record<Origin, WriteSchemas>> = {};
  for (const origin of ORIGINS) {
    const s = isRecord(sources) ? sources[origin] : undefined;
    if (!s) continue;
    own[origin] = {
      ...(typeof s.request === 'string' ? { request: schemaAt(s.request) } : {}),
      ...(typeof s.response === 'string' ? { response: schemaAt(s.response) } : {}),
      ...(Array.isArray(s.statuses) ? { statuses: s.statuses } : {}),
    };
  }
  return {
    ...rest,
    ...(typeof request === 'string' ? { request: schemaAt(request) } : {}),
    ...(typeof response === 'string' ? { response: schemaAt(response) } : {}),
    ...(Object.keys(own).length ? { sources: own } : {}),
  } as WriteOperation;
}

function readJson(path: string, onText?: (text: string) => void): unknown {
  if (!existsSync(path)) throw new UsageError(`${path}: missing (run npm run schemas)`);
  const text = readTextFile(path, 'schema file');
  onText?.(text);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path}: not valid JSON (${(error as Error).message})`);
  }
}

/** For --check: one line per file and field where what is on disk differs from what the sources give. */
export function staleSchemaLines(expected: readonly OutputFile[], root: string): string[] {
  const out: string[] = [];
  for (const file of expected) {
    const shown = relative(root, file.path) || file.path;
    if (!existsSync(file.path)) {
      out.push(`${shown}: missing; the sources give a new file`);
      continue;
    }
    const onDisk = readFileSync(file.path, 'utf8');
    if (onDisk === file.data) continue;
    let committed: unknown;
    try {
      committed = JSON.parse(onDisk);
    } catch {
      out.push(`${shown}: not valid JSON`);
      continue;
    }
    const diffs = jsonDiff(committed, JSON.parse(file.data));
    if (diffs.length === 0) out.push(`${shown}: formatting differs`);
    for (const d of diffs.slice(0, 20)) {
      out.push(
        `${shown}: ${d.pointer || '(root)'}: committed ${show(d.left)}, sources give ${show(d.right)}`,
      );
    }
    if (diffs.length > 20) out.push(`${shown}: … and ${diffs.length - 20} more differences`);
  }
  return out;
}

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));
