// Every drift source as the same thing, a DriftSide (per operation, read or write: what it answers,
// list meta, query and path parameters, request body, statuses), whatever it was read from: a docs
// page, an OpenAPI spec, a folder of derived schemas (the resolved contract), a recordings folder or
// a conformance.json. Operations are matched by method and path shape.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../errors';
import { isRecord } from '../json';
import { buildModel } from '../model/build';
import type { JsonSchema } from '../model/json-schema';
import { type Operation, operationLabel, pathMatcher, successStatus } from '../model/operation';
import { type WriteOperation, writeLabel } from '../model/writes';
import { Contract, type ContractMode } from '../schemas/contract';
import { MODEL_FILE } from '../schemas/files';
import { parseDocsPage } from '../sources/docs-page';
import { loadCassettes } from '../transport/cassette';
import { type ObservedOperation, observeExchanges } from './infer';
import type { DriftOperation, DriftSide } from './side';
import { readSpecDocument, specKey, specSide } from './spec-side';

const conventionalOnly = (s: JsonSchema | undefined): boolean => {
  const src = s?.['x-source'];
  const all = Array.isArray(src) ? src : src ? [src] : [];
  return all.length > 0 && all.every((p) => p.source === 'twilio-convention');
};

/** A contract's operations as a drift side: every schema resolved constraint by constraint, reads and writes. */
export function contractSide(
  contract: Contract,
  label: string,
  kind: DriftSide['kind'] = 'schemas',
): DriftSide {
  const byKey = new Map(contract.operations.map((op) => [specKey(op.method, op.path), op]));
  return {
    label,
    kind,
    validate: (key, body) => {
      const op = byKey.get(key);
      return op ? contract.validate(op, body).filter((v) => v.severity === 'error') : [];
    },
    operations: [
      ...contract.operations.map((op) => readOperation(contract, op)),
      ...contract.writes.map((w) => writeOperation(contract, w)),
    ],
  };
}

function readOperation(contract: Contract, op: Operation): DriftOperation {
  const response = contract.resolved(op);
  const instance = op.kind === 'list' ? response?.properties?.[op.itemsKey ?? '']?.items : response;
  const metas = contract.originsFor(op).map((o) => op.schemas[o]?.response?.properties?.meta);
  const meta = response?.properties?.meta;
  const query = contract.resolved(op, 'query');
  const path = contract.resolved(op, 'path');
  const statuses = op.schemas.openapi?.statuses ?? op.schemas.docs?.statuses;
  return {
    key: specKey(op.method, op.path),
    label: operationLabel(op),
    ...(instance ? { instance } : {}),
    ...(meta ? { meta, metaConventional: metas.every((m) => !m || conventionalOnly(m)) } : {}),
    ...(query ? { query } : {}),
    ...(path ? { path } : {}),
    ...(statuses ? { statuses } : {}),
  };
}

/** A write: what it answers, the JSON body it takes, and the statuses a source documents (docs pages state none). */
function writeOperation(contract: Contract, w: WriteOperation): DriftOperation {
  const instance = contract.resolvedWrite(w, 'response');
  const request = contract.resolvedWrite(w, 'request');
  const statuses = contract
    .writeOriginsFor(w, 'response')
    .concat(contract.writeOriginsFor(w, 'request'))
    .map((o) => w.sources?.[o]?.statuses)
    .find((s) => s !== undefined);
  return {
    key: specKey(w.method, w.path),
    label: writeLabel(w),
    ...(instance ? { instance } : {}),
    ...(request ? { requestBody: { 'application/json': request } } : {}),
    ...(statuses ? { statuses } : {}),
  };
}

/**
 * Two sides to compare. Two OpenAPI documents (JSON or YAML, any Twilio product) are compared whole:
 * every operation of every method, request bodies, every status, at full depth. Otherwise each side is
 * what the model derives from it (the spec's GET operations, a docs page, schemas, traffic).
 */
export function loadSides(from: string, to: string, schemasDir: string | Contract): [DriftSide, DriftSide] {
  const a = readSpecDocument(from);
  const b = readSpecDocument(to);
  if (a && b) return [specSide(a, basename(from)), specSide(b, basename(to))];
  return [loadSide(from, schemasDir, a), loadSide(to, schemasDir, b)];
}

/**
 * Loads any drift source; recordings are mapped to operations by the model in `schemasDir` (or
 * that contract, when the run built it from --spec/--docs). `spec`:
 * the file's OpenAPI document when the caller has already read it.
 */
export function loadSide(
  path: string,
  schemasDir: string | Contract,
  spec = readSpecDocument(path),
): DriftSide {
  if (!existsSync(path)) throw new UsageError(`${path}: not found`);
  const label = basename(path);
  if (statSync(path).isDirectory()) {
    if (existsSync(join(path, MODEL_FILE))) return contractSide(Contract.load(path, 'both'), label);
    return fromCassettes(path, label, schemasDir);
  }
  if (spec) return contractSide(new Contract(buildModel({ spec, specFile: path }), 'spec'), label, 'openapi');
  const text = readFileSync(path, 'utf8');
  if (text.trimStart().startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${path}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
    }
    if (isRecord(doc) && typeof doc.openapi === 'string')
      return contractSide(new Contract(buildModel({ spec: doc, specFile: path }), 'spec'), label, 'openapi');
    if (isRecord(doc) && Array.isArray(doc.runs) && Array.isArray(doc.observed))
      return trafficSide(label, doc.observed as ObservedOperation[]);
    throw new UsageError(
      `${path}: JSON that is neither an OpenAPI document nor a conformance.json with observations`,
    );
  }
  const page = parseDocsPage(text, path);
  const notes: string[] = [];
  const side = contractSide(
    new Contract(buildModel({ pages: [page], unused: notes }), 'docs' as ContractMode),
    label,
    'docs',
  );
  return notes.length ? { ...side, notes } : side;
}

/**
 * The fields some source documents for each operation of the schemas in `dir`, by drift key; for
 * traffic against traffic, where a field that appeared is news only when no source documents it.
 * Undefined when the folder holds no model.
 */
export function documentedIn(source: string | Contract): ((key: string) => ReadonlySet<string>) | undefined {
  if (typeof source === 'string' && !existsSync(join(source, MODEL_FILE))) return undefined;
  const contract = typeof source === 'string' ? Contract.load(source, 'both') : source;
  const byKey = new Map(
    contract.operations.map((op) => [
      specKey(op.method, op.path),
      new Set(contract.documentedFields(op).keys()),
    ]),
  );
  return (key) => byKey.get(key) ?? new Set();
}

function fromCassettes(dir: string, label: string, schemasDir: string | Contract): DriftSide {
  const contract = typeof schemasDir === 'string' ? Contract.load(schemasDir, 'both') : schemasDir;
  const matchers = contract.operations.map((op) => ({ op, re: pathMatcher(op.path) }));
  const bodies = new Map<string, unknown[]>();
  const exchanges = loadCassettes(dir).flatMap((c) =>
    c.interactions.flatMap(({ request, response }) => {
      const p = request.path.split('?')[0] ?? '';
      const op = matchers.find((m) => m.re.test(p))?.op;
      if (!op) return [];
      const answered =
        (response.status >= 200 && response.status < 300) || response.status === successStatus(op);
      if (answered && response.body !== undefined) {
        const list = bodies.get(operationLabel(op)) ?? [];
        list.push(response.body);
        bodies.set(operationLabel(op), list);
      }
      return [
        {
          operation: operationLabel(op),
          path: op.path,
          ...(op.itemsKey ? { itemsKey: op.itemsKey } : {}),
          kind: op.kind,
          status: response.status,
          ...(op.success ? { success: op.success } : {}),
          json: response.body,
        },
      ];
    }),
  );
  return trafficSide(label, observeExchanges(exchanges), bodies);
}

/**
 * What traffic showed, per operation: the inferred schemas and, when the bodies themselves are at
 * hand (a run, a recordings folder; not a conformance.json), those bodies, for the contract to judge.
 */
export function trafficSide(
  label: string,
  observed: readonly ObservedOperation[],
  bodies?: ReadonlyMap<string, Iterable<unknown>>,
): DriftSide {
  return {
    label,
    kind: 'traffic',
    operations: observed.map((o) => {
      const seen = bodies?.get(o.operation);
      return {
        key: specKey('GET', o.path),
        label: o.operation,
        instance: o.instance,
        ...(o.meta ? { meta: o.meta } : {}),
        statuses: o.statuses,
        ...(bodies ? { bodies: seen ?? [] } : {}),
        ...(o.itemsKey ? { itemsKey: o.itemsKey } : {}),
      };
    }),
  };
}
