// A write is data: each action (create, update, delete, attach, detach, send) is one module with the
// same four parts — arrange what it needs (fresh items of the run's own, made through the other
// actions), act (send it through the session), judge (read back what it must show), undo (how what it
// made is removed and proven gone, journalled with it). The lifecycle, the model-based property and
// the pact's provider states all use these modules.

import type { JsonSchema } from '../../model/json-schema';
import { snakeCase } from '../../model/twilio-conventions';
import type { WriteAction, WriteOperation } from '../../model/writes';
import type { WriteObservation } from '../../rules/writes/observation';
import { WriteSession } from './session';

export interface Needs {
  /** Path values: each an item of the run's own. */
  values: Record<string, string>;
  /** Body fields that name an item of the run's own (a conversation's id). */
  supplied: Record<string, string>;
}

export interface ActOptions {
  /** Seed for the body. */
  seed?: number;
  scenario?: WriteObservation['scenario'];
  /** Optional request fields to send too (a tool's policy, which makes a policy). */
  optional?: readonly string[];
  /** The body to send instead of one built from the sources (a pact interaction's, already checked). */
  body?: Record<string, unknown>;
  /**
   * An update only: whether its updated date is judged (update.judge reads the item after it), so
   * that it waits for the next second when the item's date is this second's. Default true.
   */
  dated?: boolean;
}

export interface WriteStep {
  action: WriteAction;
  /** Makes what `w` needs first, through the other actions; `fresh` makes new items even when the run has some. */
  arrange(s: WriteSession, w: WriteOperation, make: Maker, fresh?: boolean): Promise<Needs | undefined>;
  /** Sends `w` (journalled first when it may make something), its body built from the sources. */
  act(s: WriteSession, w: WriteOperation, needs: Needs, o?: ActOptions): Promise<WriteObservation>;
  /** Reads back what `w` must show, into the observation's evidence (`processing`: wait for it to end). */
  judge(s: WriteSession, obs: WriteObservation, needs: Needs, processing?: boolean): Promise<void>;
}

export const success = (w: WriteOperation): WriteObservation['expect'] => ({
  statuses: w.success,
  body: 'success',
});

/**
 * A value the run supplies for a body field: an item of its own whose id fits the field, made under
 * the same parent as the write's path names when it was made under one (a feedback names a
 * conversation of its own assistant).
 */
export function supply(
  s: WriteSession,
  field: string,
  schema: JsonSchema,
  values: Record<string, string> = {},
): string | undefined {
  const near = (id: string | undefined) => {
    const parents = id === undefined ? undefined : s.under.get(id);
    return (
      !parents || Object.values(values).length === 0 || Object.values(values).some((v) => parents.has(v))
    );
  };
  const pick = (ids: readonly string[] | undefined, ok: (id: string) => boolean) =>
    ids?.find((id) => near(id) && ok(id));
  if (schema.pattern) {
    let re: RegExp;
    try {
      re = new RegExp(schema.pattern, 'u');
    } catch {
      return undefined;
    }
    for (const ids of s.mine.values()) {
      const id = pick(ids, (x) => re.test(x));
      if (id !== undefined) return id;
    }
    return undefined;
  }
  for (const read of s.reads.values())
    for (const p of read.pathParams)
      if (snakeCase(p.name) === field && p.from) {
        const id = pick(s.mine.get(p.from.operation), () => true);
        if (id !== undefined) return id;
      }
  return undefined;
}

/** The path values of a write, each from an item of the run's own: undefined when the run has none. */
export function ownedValues(
  s: WriteSession,
  w: WriteOperation,
  last?: string,
): Record<string, string> | undefined {
  const k = w.pathParams.length - 1;
  if (k < 0) return {};
  const list = w.pathParams[k]?.from?.operation;
  const v = last ?? (WriteSession.isTarget(w, k) ? s.first(list) : s.parent(list));
  return v === undefined ? undefined : s.lineage(w.pathParams, v);
}

/** How a step gets what it needs made, through the other steps (the registry in steps.ts). */
export interface Maker {
  /** A new item of the run's own in a list, made by the create that fills it; undefined if none could be. */
  item(s: WriteSession, list: string): Promise<string | undefined>;
  /** An item of the run's own that a body field names, made by the write that makes such items (a send). */
  named(s: WriteSession, field: string, values: Record<string, string>): Promise<string | undefined>;
  /** The attachment a detach removes, made by the attach of the same nested list. */
  attached(s: WriteSession, w: WriteOperation, values: Record<string, string>): Promise<void>;
}

/**
 * Path values for a write, each an item of the run's own (the item acted on new when `fresh`), made
 * as needed; the parents are those its last item was made under, else the run's first (new ones
 * when `fresh`), else made for it.
 */
export async function arrangePath(
  s: WriteSession,
  w: WriteOperation,
  make: Maker,
  fresh = false,
): Promise<Record<string, string> | undefined> {
  const k = w.pathParams.length - 1;
  if (k < 0) return {};
  const own = async (list: string | undefined, renew: boolean) =>
    (renew ? undefined : s.first(list)) ?? (list ? await make.item(s, list) : undefined);
  const lastList = w.pathParams[k]?.from?.operation;
  const accountLast = !WriteSession.isTarget(w, k) && s.holdsAccounts(lastList);
  const last = accountLast ? s.parent(lastList) : await own(lastList, fresh);
  if (last === undefined) return undefined;
  const under = s.under.get(last);
  const values: Record<string, string> = {};
  for (const [n, p] of w.pathParams.entries()) {
    const list = p.from?.operation;
    const v =
      n === k
        ? last
        : s.holdsAccounts(list)
          ? s.parent(list)
          : ((s.mine.get(list ?? '') ?? []).find((id) => under?.has(id)) ?? (await own(list, fresh)));
    if (v === undefined) return undefined;
    values[p.name] = v;
  }
  return values;
}

/** Body fields that name the run's items, supplied from what it owns or made for the purpose. */
export async function arrangeFields(
  s: WriteSession,
  w: WriteOperation,
  values: Record<string, string>,
  make: Maker,
  fresh = false,
): Promise<Record<string, string>> {
  const supplied: Record<string, string> = {};
  for (const field of w.request?.required ?? []) {
    const schema = w.request?.properties?.[field];
    if (!schema) continue;
    const v = (fresh ? undefined : supply(s, field, schema, values)) ?? (await make.named(s, field, values));
    if (v !== undefined) supplied[field] = v;
  }
  return supplied;
}

/** Needs of a write whose body names nothing: its path values alone. */
export async function pathNeeds(
  s: WriteSession,
  w: WriteOperation,
  make: Maker,
  fresh = false,
): Promise<Needs | undefined> {
  const values = await arrangePath(s, w, make, fresh);
  return values ? { values, supplied: {} } : undefined;
}
