// What a handler gets (the account, the request) and gives back (a status and a body), the route
// shape, and the few steps every handler shares: find an item or 404, apply fields, a policy.

import { badRequest, notFound } from './errors';
import type { Misbehaviour } from './misbehaviours';
import type { ListRequest } from './pages';
import { type Json, newId, PREFIX, type Store } from './store';
import type { Body } from './validate';

export interface Ctx {
  store: Store;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Body;
  /** The request's path, for 404 messages and list URLs. */
  path: string;
  /** `http://host:port` the request came to: list URLs are absolute on it. */
  origin: string;
  misbehaving: ReadonlySet<Misbehaviour>;
  /** When CreateMessage answers 202 (asynchronously): never, when a webhook is given, or always. */
  asyncMessages: 'never' | 'webhook' | 'always';
}

export interface Answer {
  status: number;
  body?: unknown;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The spec's path, `{name}` for a path parameter. */
  path: string;
  operation: string;
  /** Whether the spec marks the request body required (`requestBody.required: true`). */
  bodyRequired?: boolean;
  handle(c: Ctx): Answer;
}

/** The item under `id`, or Twilio's 404 for the request's path. */
export function must<T>(items: Map<string, T>, id: string | undefined, path: string): T {
  const item = id === undefined ? undefined : items.get(id);
  if (item === undefined) throw notFound(path);
  return item;
}

/** An id a body names must be an item of this account. */
export function mustExist(items: Map<string, unknown>, field: string, id: unknown, what: string): void {
  if (typeof id === 'string' && !items.has(id)) {
    throw badRequest(`Invalid value for '${field}': no ${what} ${id} on this account`);
  }
}

/** Copies the fields `body` sends among `fields` onto `item`. */
export function assign(item: Json, body: Body, fields: string[]): void {
  for (const f of fields) if (body[f] !== undefined) item[f] = body[f];
}

/** A policy's id is the server's: one a client sends must not name another policy already. */
export function checkPolicyId(c: Ctx, prefix: string, ownId?: string): void {
  const policy = c.body.policy as Body | undefined;
  const id = policy?.id;
  if (typeof id === 'string' && id !== ownId && c.store.policies.has(id)) {
    throw badRequest(`Invalid value for '${prefix}policy.id': ${id} is already the id of another Policy`);
  }
}

/** Makes (or, for the owner's own id, replaces) the policy a body's `policy` describes. */
export function makePolicy(c: Ctx, owner: { tool?: string; knowledge?: string }): void {
  const p = c.body.policy as Body | undefined;
  if (!p) return;
  const s = c.store;
  for (const [id, o] of s.policyOwner)
    if (o.tool === owner.tool && o.knowledge === owner.knowledge) s.policyOwner.delete(id);
  const id = typeof p.id === 'string' ? p.id : newId(PREFIX.policy);
  const now = s.stamp();
  const policy: Json = { id, account_sid: s.accountSid };
  assign(policy, p, ['name', 'description']);
  policy.type = p.type ?? null;
  policy.policy_details = p.policy_details;
  policy.date_created = (s.policies.get(id)?.date_created as string | undefined) ?? now;
  policy.date_updated = now;
  s.policies.set(id, policy);
  s.policyOwner.set(id, owner);
}

/** An update: the item's new fields, stored unless the update is to be ignored; date_updated moves. */
export function update(c: Ctx, item: Json, fields: string[]): Json {
  const next: Json = { ...item };
  assign(next, c.body, fields);
  if (!c.misbehaving.has('date-updated-frozen')) next.date_updated = c.store.stamp();
  if (!c.misbehaving.has('update-ignored')) Object.assign(item, next);
  return next;
}

/** A route: the operation at its method and path, and the handler that answers it. */
export const route = (
  method: Route['method'],
  path: string,
  operation: string,
  handle: Route['handle'],
  bodyRequired = false,
): Route => ({ method, path, operation, handle, ...(bodyRequired ? { bodyRequired } : {}) });

/** The list the request reads: its URL, query, the filters it keeps in page URLs, whether it takes Page. */
export const listOf = (c: Ctx, filters: string[] = [], hasPage = true): ListRequest => ({
  origin: c.origin,
  path: c.path,
  query: c.query,
  filters,
  hasPage,
});

/** A delete: 404 for an id that is not there; otherwise the item goes, and `also` cleans up after it. */
export function removeItem(c: Ctx, items: Map<string, unknown>, also: (id: string) => void): Answer {
  const id = c.params.id as string;
  if (!items.has(id)) {
    if (c.misbehaving.has('unknown-delete-204')) return { status: 204 };
    throw notFound(c.path);
  }
  if (c.misbehaving.has('delete-keeps-item')) return { status: 204 };
  items.delete(id);
  also(id);
  return { status: 204 };
}
