// Schema sets on disk: one folder per origin (docs at the top of schemas/, the spec's in
// schemas/openapi/), each with a manifest naming its files, so other stages load them by role.

import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createAjv } from '../contract/validator';
import { UsageError } from '../errors';
import { type OutputFile, stableJson } from '../fs-atomic';
import { jsonDiff } from '../json-diff';
import type { JsonSchema } from './json-schema';
import { originFolder, SCHEMA_ROLES, type SchemaOrigin, type SchemaSet, schemaFileName } from './schema-set';

export const MANIFEST = 'manifest.json';

// Checks hand-edited or corrupted schema files against the 2020-12 meta-schema before use.
const metaSchema = createAjv();

interface Manifest {
  origin: SchemaOrigin;
  resource: string;
  itemsKey: string;
  listPath: string;
  fetchPath: string;
  files: Partial<Record<string, string>>;
}

export function schemaFiles(set: SchemaSet, dir: string): OutputFile[] {
  const folder = join(dir, originFolder(set.origin));
  const manifest: Manifest = {
    origin: set.origin,
    resource: set.resource,
    itemsKey: set.itemsKey,
    listPath: set.listPath,
    fetchPath: set.fetchPath,
    files: {},
  };
  const files: OutputFile[] = [];
  for (const role of SCHEMA_ROLES) {
    const schema = set.schemas[role];
    if (!schema) continue;
    const name = schemaFileName(role, set.resource);
    manifest.files[role] = name;
    files.push({ path: join(folder, name), data: stableJson(schema) });
  }
  files.push({ path: join(folder, MANIFEST), data: stableJson(manifest) });
  return files;
}

export function loadSchemaSet(dir: string, origin: SchemaOrigin): SchemaSet {
  const folder = join(dir, originFolder(origin));
  const manifestPath = join(folder, MANIFEST);
  const manifest = readJson(manifestPath) as Manifest;
  if (manifest?.origin !== origin || typeof manifest.files !== 'object') {
    throw new UsageError(`${manifestPath}: not a schema manifest for ${origin} (run npm run schemas)`);
  }
  const schemas: Partial<SchemaSet['schemas']> = {};
  for (const role of SCHEMA_ROLES) {
    const file = manifest.files[role];
    if (!file) continue;
    const schema = readJson(join(folder, file));
    if (typeof schema !== 'object' || schema === null || !metaSchema.validateSchema(schema as object)) {
      throw new UsageError(
        `${join(folder, file)}: not a valid JSON Schema (${metaSchema.errorsText(metaSchema.errors)})`,
      );
    }
    schemas[role] = schema as JsonSchema;
  }
  if (!schemas.resource) throw new UsageError(`${manifestPath}: names no resource schema`);
  const { files: _files, ...rest } = manifest;
  return { ...rest, schemas: { ...schemas, resource: schemas.resource } };
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`${path}: missing (run npm run schemas)`);
  }
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
    for (const d of diffs) {
      out.push(
        `${shown}: ${d.pointer || '(root)'}: committed ${show(d.left)}, sources give ${show(d.right)}`,
      );
    }
  }
  return out;
}

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));
