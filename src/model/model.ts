// The model of one API as a whole: its identity, every read and write operation, its error body;
// and what is asked of the whole (the parents of an operation, --resource, --id, ids from the
// environment). Operation-level descriptors are in operation.ts, writes in writes.ts.

import { UsageError } from '../errors';
import type { ApiInfo } from './api';
import type { JsonSchema } from './json-schema';
import { isPathValue, type Operation, type Unmodelled } from './operation';
import { singular, snakeCase } from './twilio-conventions';
import type { WriteOperation } from './writes';

export interface ApiModel {
  /** Which API this is: origin, product, version, title (from the spec's servers and info). */
  api: ApiInfo;
  /** The read operations (GET). */
  operations: Operation[];
  /** The write operations (POST, PUT, PATCH, DELETE), with what each one does (src/model/writes.ts). */
  writes: WriteOperation[];
  /** Twilio's error body (from the spec when it documents one, else Twilio's convention). */
  error: JsonSchema;
  /** The spec's GETs that are no operation, each with the reason: counted and named wherever coverage is. */
  unmodelled?: Unmodelled[];
}

export class ModelIndex {
  private readonly byId = new Map<string, Operation>();
  constructor(readonly model: ApiModel) {
    for (const op of model.operations) this.byId.set(op.id, op);
  }
  get(id: string): Operation | undefined {
    return this.byId.get(id);
  }
  /** The list that supplies each path parameter, parents first. */
  parentsOf(op: Operation): Operation[] {
    return op.pathParams.flatMap((p) => {
      const parent = p.from ? this.byId.get(p.from.operation) : undefined;
      return parent ? [parent] : [];
    });
  }
  get lists(): Operation[] {
    return this.model.operations.filter((o) => o.kind === 'list');
  }
}

/**
 * --resource NAME (repeatable): the ids of the operations of that resource (the first path segment:
 * Sessions, Services…) or with that id (ListMessages), case-insensitively; undefined for all.
 */
export function selectOperations(
  model: ApiModel,
  names: readonly string[] | undefined,
): string[] | undefined {
  if (!names?.length) return undefined;
  const wanted = names.map((n) => n.toLowerCase());
  const ops = [...model.operations, ...model.writes, ...(model.unmodelled ?? [])].filter((op) =>
    wanted.some((n) => op.resource.toLowerCase() === n || op.id.toLowerCase() === n),
  );
  if (ops.length === 0) {
    const known = [...new Set(model.operations.map((o) => o.resource))].join(', ');
    throw new UsageError(`--resource: no operation matches ${names.join(', ')}; resources: ${known}`);
  }
  return ops.map((o) => o.id);
}

/**
 * The variable that names the item a top-level fetch reads: TWILIO_<ITEM>_ID, the item named in the
 * singular after its resource (the Sessions fetch: TWILIO_SESSION_ID).
 */
export const fetchIdVariable = (op: Pick<Operation, 'resource'>): string =>
  `TWILIO_${snakeCase(singular(op.resource)).toUpperCase()}_ID`;

/** Ids known in advance from the environment (see fetchIdVariable), for each top-level fetch. */
export function fetchIdsFromEnv(
  model: ApiModel,
  env: NodeJS.ProcessEnv,
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const op of model.operations) {
    const last = op.pathParams.at(-1);
    const id = env[fetchIdVariable(op)];
    if (op.kind === 'instance' && op.pathParams.length === 1 && last && id && isPathValue(id))
      out[op.id] = { [last.name]: id };
  }
  return out;
}

/** --id OperationId=VALUE (repeatable): the value of that operation's last path parameter. */
export function idFlags(
  model: ApiModel,
  specs: readonly string[] | undefined,
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const spec of specs ?? []) {
    const eq = spec.indexOf('=');
    const id = spec.slice(0, eq);
    const value = spec.slice(eq + 1);
    const op = model.operations.find((o) => o.id === id);
    const last = op?.pathParams.at(-1);
    if (eq < 1 || !value) throw new UsageError(`--id: expected OperationId=VALUE, got "${spec}"`);
    if (!isPathValue(value)) throw new UsageError(`--id: ${JSON.stringify(value)} is not one path segment`);
    if (!op || !last) throw new UsageError(`--id: ${id} is not an operation with a path parameter`);
    out[op.id] = { ...(out[op.id] ?? {}), [last.name]: value };
  }
  return out;
}
