// Every drift source as the same thing: a schema set (resource, list envelope, query and path
// parameters) with the statuses it documents or showed, whatever it was read from.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseDocsPage } from '../derive/docs-page';
import { deriveFromDocs } from '../derive/docs-schemas';
import type { JsonSchema } from '../derive/json-schema';
import { deriveFromOpenApi, documentedStatuses, SpecError } from '../derive/openapi';
import { loadSchemaSet, MANIFEST } from '../derive/schema-files';
import type { SchemaSet } from '../derive/schema-set';
import { UsageError } from '../errors';
import { loadCassettes } from '../transport/cassette';
import { observe, observedSchema } from './infer';

export type SourceKind = 'docs' | 'openapi' | 'schemas' | 'traffic';

export interface DriftModel {
  label: string;
  kind: SourceKind;
  set: SchemaSet;
  /** HTTP statuses per operation ("GET /v1/Sessions"), where the source says. */
  statuses?: Record<string, string[]>;
}

export interface ModelOptions {
  listPath?: string;
  fetchPath?: string;
}

const DEFAULT_LIST = '/v1/Sessions';
const DEFAULT_FETCH = '/v1/Sessions/{id}';

export function loadModel(path: string, o: ModelOptions = {}): DriftModel {
  if (!existsSync(path)) throw new UsageError(`${path}: not found`);
  const label = basename(path);
  if (statSync(path).isDirectory()) {
    if (existsSync(join(path, MANIFEST))) return { label, kind: 'schemas', set: loadSchemaSet(path, 'docs') };
    if (existsSync(join(path, 'openapi', MANIFEST)) && !existsSync(join(path, MANIFEST))) {
      return { label, kind: 'schemas', set: loadSchemaSet(path, 'openapi') };
    }
    if (readdirSync(path).some((f) => f.endsWith('.json'))) return fromCassettes(path, o);
    throw new UsageError(
      `${path}: a folder that holds neither derived schemas (manifest.json) nor recordings`,
    );
  }
  const text = readFileSync(path, 'utf8');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`${path}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
    }
    if (typeof doc.openapi === 'string') {
      const listPath = o.listPath ?? DEFAULT_LIST;
      const fetchPath = o.fetchPath ?? DEFAULT_FETCH;
      const set = deriveFromOpenApi(doc, path, { listPath, fetchPath, resource: 'Session' });
      return {
        label,
        kind: 'openapi',
        set,
        statuses: {
          [`GET ${listPath}`]: documentedStatuses(doc, listPath),
          [`GET ${fetchPath}`]: documentedStatuses(doc, fetchPath),
        },
      };
    }
    if (Array.isArray(doc.runs) && doc.observed) return fromConformanceReport(doc, label, o);
    throw new UsageError(
      `${path}: JSON that is neither an OpenAPI document nor a conformance.json with observations`,
    );
  }
  try {
    return { label, kind: 'docs', set: deriveFromDocs(parseDocsPage(text, path)) };
  } catch (error) {
    if (error instanceof SpecError) throw error;
    throw new UsageError(
      `${path}: not a docs page, OpenAPI spec, schema folder or traffic (${(error as Error).message})`,
    );
  }
}

/** What the recordings show: every 2xx session and list page, and every status per operation. */
function fromCassettes(dir: string, o: ModelOptions): DriftModel {
  const listPath = o.listPath ?? DEFAULT_LIST;
  const fetchPath = o.fetchPath ?? DEFAULT_FETCH;
  const sessions: Array<Record<string, unknown>> = [];
  const metas: Array<Record<string, unknown>> = [];
  const statuses: Record<string, Set<string>> = {};
  for (const cassette of loadCassettes(dir)) {
    for (const { request, response } of cassette.interactions) {
      const path = request.path.split('?')[0] ?? '';
      const op = path === listPath ? `GET ${listPath}` : `GET ${fetchPath}`;
      const seen = statuses[op] ?? new Set<string>();
      seen.add(String(response.status));
      statuses[op] = seen;
      collect(response.status, response.body, path === listPath, sessions, metas);
    }
  }
  return traffic(basename(dir), sessions, metas, statuses, listPath, fetchPath);
}

function collect(
  status: number,
  body: unknown,
  isList: boolean,
  sessions: Array<Record<string, unknown>>,
  metas: Array<Record<string, unknown>>,
) {
  if (status !== 200 || typeof body !== 'object' || body === null) return;
  const b = body as Record<string, unknown>;
  if (!isList) {
    sessions.push(b);
    return;
  }
  const meta = b.meta as Record<string, unknown> | undefined;
  if (meta) metas.push(meta);
  for (const [k, v] of Object.entries(b))
    if (k !== 'meta' && Array.isArray(v))
      for (const it of v) if (it && typeof it === 'object') sessions.push(it as Record<string, unknown>);
}

function fromConformanceReport(doc: Record<string, unknown>, label: string, o: ModelOptions): DriftModel {
  const observed = doc.observed as {
    resource?: Record<string, unknown>;
    meta?: Record<string, unknown>;
    statuses?: Record<string, string[]>;
  };
  const listPath = o.listPath ?? DEFAULT_LIST;
  const fetchPath = o.fetchPath ?? DEFAULT_FETCH;
  const set = trafficSet(
    (observed.resource ?? {}) as JsonSchema,
    observed.meta as JsonSchema | undefined,
    listPath,
    fetchPath,
  );
  return { label, kind: 'traffic', set, ...(observed.statuses ? { statuses: observed.statuses } : {}) };
}

export function traffic(
  label: string,
  sessions: Array<Record<string, unknown>>,
  metas: Array<Record<string, unknown>>,
  statuses: Record<string, Set<string> | string[]>,
  listPath = DEFAULT_LIST,
  fetchPath = DEFAULT_FETCH,
): DriftModel {
  const set = trafficSet(
    observedSchema(observe(sessions)),
    metas.length ? observedSchema(observe(metas)) : undefined,
    listPath,
    fetchPath,
  );

  return {
    label,
    kind: 'traffic',
    set,
    statuses: Object.fromEntries(Object.entries(statuses).map(([k, v]) => [k, [...v].sort()])),
  };
}

/** What traffic showed, shaped like a derived schema set so every drift source compares alike. */
function trafficSet(
  resource: JsonSchema,
  meta: JsonSchema | undefined,
  listPath: string,
  fetchPath: string,
): SchemaSet {
  return {
    origin: 'docs',
    resource: 'Session',
    itemsKey: 'sessions',
    listPath,
    fetchPath,
    schemas: { resource, ...(meta ? { list: { type: 'object', properties: { meta } } } : {}) },
  };
}
