// What the consumer suites share: the pact's names and files, the real twilio-node client reaching
// any operation of the model, example bodies generated from the contract, and matchers from the
// resolved contract (shapes and formats, never example values).

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MatchersV3, PactV4 } from '@pact-foundation/pact';
import twilio from 'twilio';
import { isRecord } from '../../src/json';
import { pactParticipants } from '../../src/model/api';
import { type JsonSchema, schemaTypes } from '../../src/model/json-schema';
import { ModelIndex } from '../../src/model/model';
import {
  fillPath,
  identifyingField,
  type Operation,
  pathMatcher,
  queryParams,
} from '../../src/model/operation';
import type { WriteOperation } from '../../src/model/writes';
import { matcherFor } from '../../src/pact/matchers';
import { pactFileOf } from '../../src/pact/verify';
import { Contract } from '../../src/schemas/contract';
import { generate } from '../../src/schemas/generate';
import { PROJECT_ROOT } from '../../src/sources/paths';
import { HostSwappingClient } from '../../src/targets/twilio-client';

/** The consumer suites write here; a test compares it with the committed contracts/ file. */
export const GENERATED_DIR = join(PROJECT_ROOT, 'reports/pact');
export const COMMITTED_DIR = join(PROJECT_ROOT, 'contracts');
export const contract = Contract.load(join(PROJECT_ROOT, 'schemas'), 'both');
/** The pact's participants and file, from the model's API (twilio-node-assistants-consumer × twilio-assistants-v1). */
export const { consumer: CONSUMER, provider: PROVIDER } = pactParticipants(contract.model.api);
export const PACT_FILE = pactFileOf(contract.model.api);
export const index = new ModelIndex(contract.model);
export const credentials = { accountSid: `AC${'0'.repeat(32)}`, authToken: 'consumer-test-token' };

export const newPact = () =>
  new PactV4({
    consumer: CONSUMER,
    provider: PROVIDER,
    dir: GENERATED_DIR,
    logLevel: 'warn',
    host: '127.0.0.1',
  });

const EXAMPLE_ORIGIN = 'https://assistants.twilio.com';
const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const instanceOf = (op: Operation, schema: JsonSchema | undefined): JsonSchema | undefined =>
  op.kind === 'list' ? schema?.properties?.[op.itemsKey ?? '']?.items : schema;

/**
 * What a pact pins of an example value, at every depth: the fields a source requires (and the
 * identifier), never one that may be null (a value Twilio has none for: the contract marks those
 * `x-unset`; Pact cannot say "this type or null"), arrays by their items. Pact cannot say "optional"
 * either: a pact that pins an optional field fails against Twilio, which leaves them out.
 * pact:verify's proxy judges every answer against the whole contract, so what is not pinned here is
 * still checked there.
 */
export function pinned(schema: JsonSchema | undefined, value: unknown, identifier?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => pinned(schema?.items, v));
  if (!isRecord(value) || !schema?.properties) return value;
  const nullable = (s: JsonSchema | undefined) => s !== undefined && schemaTypes(s).includes('null');
  const keep = ([name]: [string, unknown]) =>
    name === identifier || ((schema.required ?? []).includes(name) && !nullable(schema.properties?.[name]));
  return Object.fromEntries(
    Object.entries(value)
      .filter(keep)
      .map(([name, v]) => [name, pinned(schema.properties?.[name], v)]),
  );
}

/** An example instance of an operation, generated from the contract (deterministic), as the pact pins it. */
export function exampleInstance(op: Operation, k = 0): Record<string, unknown> {
  const schema = instanceOf(op, contract.merged(op)) ?? {};
  const value = pinned(schema, generate(schema, 1000 + k, 'item'), identifyingField(op));
  return isRecord(value) ? value : {};
}

/** Example path values: each parameter an example id of the list that supplies it. */
export function examplePath(
  op: Operation,
  unknownLast = false,
): { path: string; values: Record<string, string> } {
  const values: Record<string, string> = {};
  op.pathParams.forEach((p, k) => {
    const list = p.from ? index.get(p.from.operation) : undefined;
    const id = list && p.from ? exampleInstance(list)[p.from.field] : undefined;
    values[p.name] =
      unknownLast && k === op.pathParams.length - 1
        ? 'conformance-unknown-id'
        : String(id ?? `example-${p.name}`);
  });
  return { path: fillPath(op.path, values), values };
}

/** A list page as Twilio builds it, with `count` example items. */
export function examplePage(
  op: Operation,
  path: string,
  o: { count: number; page: number; next: string | null; previous: string | null; query: string },
) {
  const items = Array.from({ length: o.count }, (_, k) => exampleInstance(op, k));
  const url = `${EXAMPLE_ORIGIN}${path}`;
  return {
    [op.itemsKey ?? 'items']: items,
    meta: {
      first_page_url: `${url}?${o.query.replace(/&?PageToken=[^&]*/, '').replace(/Page=\d+/, 'Page=0')}`,
      key: op.itemsKey ?? 'items',
      next_page_url: o.next,
      page: o.page,
      page_size: 2,
      previous_page_url: o.previous,
      url: `${url}?${o.query}`,
    },
  };
}

/** The body matchers: from the resolved contract, with meta.key pinned (twilio-node reads payload[meta.key]). */
export function bodyMatcher(op: Operation, example: unknown): unknown {
  const m = matcherFor(contract.resolved(op), example) as Record<string, unknown>;
  if (op.kind === 'list' && isRecord(m.meta))
    m.meta = { ...m.meta, key: MatchersV3.equal(op.itemsKey ?? 'items') };
  return m;
}

export const twilioError = (status: number, code: number) => ({
  code: MatchersV3.integer(code),
  message: MatchersV3.string('explanation'),
  more_info: MatchersV3.regex(
    '^https://www\\.twilio\\.com/docs/errors/\\d+$',
    `https://www.twilio.com/docs/errors/${code}`,
  ),
  status: MatchersV3.equal(status),
});

/** The query parameters a list takes, for provider-state injection of the next page's query. */
export const takesPage = (op: Operation): boolean => queryParams(op).Page !== undefined;

// twilio-node's resources are untyped here: the accessor is found from the path, not from code.
// biome-ignore lint/suspicious/noExplicitAny: walking twilio-node's generated resource tree
type Node = any;

/**
 * The real twilio-node (5.x) accessor for an operation, found from its path: each static segment is
 * a property (the spec's x-twilio.mountName for the last one, else the segment in lowerCamelCase),
 * each parameter a call; a singleton instance (…/Status) is called once more for its context.
 */
export function twilioAccessor(
  target: string,
  op: Pick<Operation, 'path' | 'kind' | 'mountName'>,
  values: Record<string, string>,
) {
  const httpClient = new HostSwappingClient(target);
  const client = twilio(credentials.accountSid, credentials.authToken, { httpClient });
  const segments = op.path.split('/').filter(Boolean).slice(1);
  const lastStatic = segments.map((s) => !s.startsWith('{')).lastIndexOf(true);
  let node: Node = client.assistants.v1;
  segments.forEach((segment, k) => {
    const param = /^\{(.+)\}$/.exec(segment)?.[1];
    if (param) node = node(values[param]);
    else node = node[k === lastStatic && op.mountName ? op.mountName : lowerFirst(segment)];
  });
  if (op.kind === 'instance' && lastStatic === segments.length - 1 && typeof node === 'function')
    node = node();
  return { node, httpClient };
}

/** What the application gets: every scalar field twilio-node maps carries the example's value (dates parsed). */
export function mappedFieldProblems(
  instance: Record<string, unknown>,
  example: Record<string, unknown>,
): string[] {
  const out: string[] = [];
  for (const [field, value] of Object.entries(example)) {
    const key = camel(field);
    if (!(key in instance) || (typeof value === 'object' && value !== null)) continue;
    const got = instance[key];
    const want = got instanceof Date && typeof value === 'string' ? new Date(value).getTime() : value;
    const have = got instanceof Date ? got.getTime() : got;
    if (JSON.stringify(have) !== JSON.stringify(want))
      out.push(`${key}: ${JSON.stringify(have)} ≠ ${JSON.stringify(want)}`);
  }
  return out;
}

const committedPact = JSON.parse(readFileSync(join(COMMITTED_DIR, PACT_FILE), 'utf8'));

/** The committed pact cut down to the interactions of some operations: a verification in a blink. */
export function pactFor(operationIds: readonly string[]): string {
  const labels = operationIds.map((id) => {
    const op = [...contract.operations, ...contract.writes].find((o) => o.id === id);
    if (!op) throw new Error(`no operation ${id}`);
    return `${op.method} ${op.path}`;
  });
  const dir = mkdtempSync(join(tmpdir(), 'pact-'));
  const interactions = committedPact.interactions.filter((i: { description: string }) =>
    labels.some(
      (l) => i.description.includes(`${l} `) || i.description.includes(`${l},`) || i.description.endsWith(l),
    ),
  );
  writeFileSync(join(dir, PACT_FILE), JSON.stringify({ ...committedPact, interactions }));
  return dir;
}

/**
 * A write's twilio-node accessor: the node at its path (a create at a list's, an update at an item's,
 * an attach at the attachment's), the x-twilio mountName of the write or of the read at that path.
 */
export function writeAccessor(target: string, w: WriteOperation, values: Record<string, string>) {
  const read = contract.operations.find((o) => o.path === w.path);
  const mountName = w.mountName ?? read?.mountName;
  return twilioAccessor(target, { path: w.path, kind: 'list', ...(mountName ? { mountName } : {}) }, values);
}

/** A write's example success body, as the pact pins it (see `pinned`). */
export function exampleWriteResponse(w: WriteOperation): Record<string, unknown> | undefined {
  if (!w.response) return undefined;
  const list = contract.operations.find((o) => o.id === w.effect.list);
  const value = pinned(w.response, generate(w.response, 2000, 'reply'), list?.idField);
  return isRecord(value) ? value : undefined;
}

/**
 * What a provider holds, as a user would see it through GETs: every list the model has (nested ones
 * under every item of their parent list), each as the sorted identifiers of its items (an item without
 * one as its JSON), keyed by the filled path.
 */
export async function providerSnapshot(
  url: string,
  auth: { username: string; password: string },
): Promise<Record<string, string[]>> {
  const headers = {
    authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`,
  };
  const items = async (op: Operation, values: Record<string, string>): Promise<unknown[]> => {
    const r = await fetch(`${url}${fillPath(op.path, values)}?PageSize=1000`, { headers });
    const body = r.status === 200 ? ((await r.json()) as Record<string, unknown>) : {};
    const found = body[op.itemsKey ?? ''];
    return Array.isArray(found) ? found : [];
  };
  const keyOf = (it: unknown, field?: string) =>
    isRecord(it) && field && typeof it[field] === 'string' ? (it[field] as string) : JSON.stringify(it);
  const under = async (op: Operation): Promise<Array<Record<string, string>>> => {
    const last = op.pathParams.at(-1);
    const parent = last?.from ? index.get(last.from.operation) : undefined;
    if (!last?.from || !parent) return [{}];
    const out: Array<Record<string, string>> = [];
    for (const values of await under(parent))
      for (const it of await items(parent, values))
        out.push({ ...values, [last.name]: keyOf(it, last.from.field) });
    return out;
  };
  const out: Record<string, string[]> = {};
  for (const op of contract.operations.filter((o) => o.kind === 'list'))
    for (const values of await under(op))
      out[fillPath(op.path, values)] = (await items(op, values)).map((it) => keyOf(it, op.idField)).sort();
  return out;
}

/** The lists whose items the API can remove (a delete or a detach fills them): a run must leave these as it found them. */
export const removable = (path: string): boolean =>
  contract.writes.some(
    (w) =>
      (w.action === 'delete' || w.action === 'detach') &&
      pathMatcherFor(w.effect.list)?.test(path.split('?')[0] ?? '') === true,
  );
const pathMatcherFor = (list: string | undefined) => {
  const op = list ? index.get(list) : undefined;
  return op ? pathMatcher(op.path) : undefined;
};
