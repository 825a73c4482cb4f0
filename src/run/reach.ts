// Which writes a run may send, decided from the spec before anything is sent. Ownership decides most:
// a run changes and removes only what it made, so a write that would change something no create of
// the run can make (an account-wide configuration, an item of a list no create fills, one under a
// parent the run cannot make) is never sent, on any target; nor is a create whose answer echoes no
// field the run's tag can go in (what it made could not be told from the user's). On a real account,
// a write that costs money (its answer documents a price) or reaches a person (its body names a
// recipient) is never sent either; the reference provider takes them. Each write not sent carries
// the reason, which the report gives: none is skipped silently.

import type { JsonSchema } from '../model/json-schema';
import type { Operation } from '../model/operation';
import type { WriteOperation } from '../model/writes';
import { tagFields } from '../schemas/bodies';
import type { Contract } from '../schemas/contract';

/** The reason a write's results carry when the run never sends it: the coverage says these apart. */
export const NOT_SENT = 'not sent: ';

export interface ReachOptions {
  /** A real account (live, a recording): what costs money or reaches a person is not sent. */
  realAccount: boolean;
  /** The account written to: the one item of a list of accounts a run writes under. */
  account?: string | undefined;
}

export interface Reach {
  /** The writes a run may send. */
  sendable: WriteOperation[];
  /** Why each other write is never sent, by operation id. */
  notSent: Map<string, string>;
}

/** The fields of a response whose documented pattern the account's SID fits: where it must appear. */
export function accountFields(schema: JsonSchema | undefined, account: string): string[] {
  return Object.entries(schema?.properties ?? {}).flatMap(([field, s]) => {
    if (!s.pattern) return [];
    try {
      return new RegExp(s.pattern, 'u').test(account) ? [field] : [];
    } catch {
      return [];
    }
  });
}

/** Whether a top-level list's items are accounts: its id field's documented pattern takes the account. */
export function holdsAccounts(contract: Contract, list: Operation | undefined, account?: string): boolean {
  if (!list?.idField || !account || list.pathParams.length > 0 || list.kind !== 'list') return false;
  const item = contract.merged(list).properties?.[list.itemsKey ?? '']?.items;
  return accountFields(item, account).includes(list.idField);
}

const MAKES_NOTHING = new Set(['update', 'delete', 'attach', 'detach']);

/** A field of the write's answer, or of the item it makes, that says it costs money. */
const PRICE = /^price$/;
/** A required body field that names whom it reaches. */
const RECIPIENT = /^to$/i;

/** Why a write may never be sent by itself (before what it needs is considered). */
function ownReason(contract: Contract, w: WriteOperation, o: ReachOptions): string | undefined {
  if (MAKES_NOTHING.has(w.action) && w.pathParams.length === 0)
    return 'it changes a resource of the account itself (no path parameter names an item a run made): an account-wide configuration';
  if (w.action === 'send' && w.pathParams.length === 0)
    return `it acts on the account itself (a ${w.method} at a path that names no item and no list: a credential rotated, a bulk import)`;
  const unlisted = w.pathParams.find((p) => !p.from);
  if (unlisted)
    return `it acts under a path value no list of the run's items supplies (${unlisted.name}): what it changes is the account's own`;
  if (w.action === 'create' && tagFields(w).length === 0)
    return "no field its answer echoes can carry the run's tag: what it made could not be told from the user's";
  if (!o.realAccount || MAKES_NOTHING.has(w.action)) return undefined;
  // A top-level item nothing removes (a subaccount) would stay in the user's account; one made
  // under the run's own item (a feedback in its conversation) stays inside what the run made.
  const removable = contract.writes.some((d) => d.action === 'delete' && d.effect.list === w.effect.list);
  if (w.action === 'create' && !removable && needed(contract, w, o).length === 0)
    return 'on a real account what it makes could never be removed (a top-level item no delete removes): sent to the reference provider only';
  if (w.action === 'send' && !w.effect.names?.length && answersAnItem(contract, w))
    return "on a real account what it makes could not be told from the user's (its answer is an item with an id its body did not name): sent to the reference provider only";
  const list = contract.operations.find((r) => r.id === w.effect.list);
  const item = list ? contract.merged(list).properties?.[list.itemsKey ?? '']?.items : undefined;
  const fields = [...Object.keys(w.response?.properties ?? {}), ...Object.keys(item?.properties ?? {})];
  if (fields.some((f) => PRICE.test(f)))
    return 'on a real account it costs money (its answer documents a price): sent to the reference provider only';
  const recipient = (w.request?.required ?? []).find((f) => RECIPIENT.test(f));
  if (recipient)
    return `on a real account it reaches a person (its body names a recipient, ${recipient}): sent to the reference provider only`;
  return undefined;
}

/** Whether a write's answer is an item: it documents the id field of a list's items. */
const answersAnItem = (contract: Contract, w: WriteOperation): boolean =>
  contract.operations.some((r) => r.kind === 'list' && r.idField && w.response?.properties?.[r.idField]);

/** The lists a write needs items of the run's own in: every path parameter's but a list of accounts. */
function needed(contract: Contract, w: WriteOperation, o: ReachOptions): string[] {
  const byId = new Map(contract.operations.map((r) => [r.id, r]));
  const out: string[] = [];
  for (const [k, p] of w.pathParams.entries()) {
    const list = p.from?.operation;
    if (!list) continue;
    const target = k === w.pathParams.length - 1 && MAKES_NOTHING.has(w.action);
    if (!target && holdsAccounts(contract, byId.get(list), o.account)) continue;
    out.push(list);
  }
  if ((w.action === 'attach' || w.action === 'detach') && w.effect.item) out.push(w.effect.item);
  return out;
}

/** Which writes a run may send, and why each other one is not. */
export function reach(contract: Contract, o: ReachOptions): Reach {
  const notSent = new Map<string, string>();
  for (const w of contract.writes) {
    const why = ownReason(contract, w, o);
    if (why) notSent.set(w.id, why);
  }
  // What a write needs must be made by a create the run sends: to a fixed point (parents first).
  for (let changed = true; changed; ) {
    changed = false;
    for (const w of contract.writes) {
      if (notSent.has(w.id)) continue;
      for (const list of needed(contract, w, o)) {
        const creates = contract.writes.filter((c) => c.action === 'create' && c.effect.list === list);
        if (creates.some((c) => !notSent.has(c.id))) continue;
        const label = contract.operations.find((r) => r.id === list)?.path ?? list;
        const [first] = creates;
        notSent.set(
          w.id,
          first
            ? `it needs an item of GET ${label} of the run's own, and ${first.id} is not sent (${notSent.get(first.id)})`
            : `it needs an item of GET ${label} of the run's own, and no create of the spec makes one: it would change the user's`,
        );
        changed = true;
        break;
      }
    }
  }
  return { sendable: contract.writes.filter((w) => !notSent.has(w.id)), notSent };
}
