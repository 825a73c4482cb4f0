// Raw HTTP against a provider, for the tests that show what it answers: authenticated requests,
// bodies sent as they are given, and the path values of a write found by reading the lists that
// supply them.

import { fillPath, type Operation } from '../../src/model/operation';
import type { WriteOperation } from '../../src/model/writes';
import type { Contract } from '../../src/schemas/contract';
import { creds } from './writes';

export const auth = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: the tests read an answer's fields as the provider sent them
  json: any;
}

/** One request; a string body goes as it is (malformed JSON included), anything else as JSON. */
export async function raw(base: string, method: string, path: string, body?: unknown): Promise<RawAnswer> {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, headers: r.headers, text, json };
}

/** The items a list shows (first page of up to 1000). */
export async function listed(base: string, op: Operation, values: Record<string, string> = {}) {
  const r = await raw(base, 'GET', `${fillPath(op.path, values)}?PageSize=1000`);
  return (r.json?.[op.itemsKey ?? ''] ?? []) as Array<Record<string, unknown>>;
}

/** Path values for a write (or read): each parameter the first item of the list that supplies it. */
export async function valuesFor(
  base: string,
  c: Contract,
  o: Pick<WriteOperation, 'pathParams'>,
): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const p of o.pathParams) {
    const list = c.operations.find((x) => x.id === p.from?.operation);
    if (!list || !p.from) throw new Error(`no list supplies ${p.name}`);
    const [first] = await listed(base, list, values);
    values[p.name] = String(first?.[p.from.field]);
  }
  return values;
}

/** The first write of an action that `test` accepts. */
export function writeWhere(c: Contract, test: (w: WriteOperation) => boolean): WriteOperation {
  const w = c.writes.find(test);
  if (!w) throw new Error('no such write in the model');
  return w;
}
