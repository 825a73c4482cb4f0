// Finding what a run made without hearing of it, and only that. Before the run writes, a census reads
// every list a create fills: those ids are never adopted. After an answer was lost (a reset, a
// timeout, a 429 or 5xx to a create, a killed run), a sweep reads the same lists for items carrying
// the run's tag in the field it is sent in, whose ids the census did not see and the run does not own
// yet: those are the run's, journalled with their delete. A sweep that could not read every page (or,
// for a cleanup, that read another account's items) is incomplete, and says so: it is a finding,
// never "nothing left".

import { mapLimit } from '../../concurrency';
import { isRecord, parseProviderJson } from '../../json';
import { fillPath, type Operation } from '../../model/operation';
import { echoField, pageView } from '../../model/twilio-conventions';
import type { WriteOperation } from '../../model/writes';
import { tagField } from '../../schemas/bodies';
import type { Contract } from '../../schemas/contract';
import type { HttpTransport } from '../../transport/http';
import { carriesTag, type Journal, type JournalEntry } from '../journal';
import { accountFields, largestPageSize } from './session';

/** Pages a census or sweep reads of one list, at its largest PageSize. */
export const SWEEP_PAGES = 50;

export interface SweepContext {
  contract: Contract;
  transport: HttpTransport;
  journal: Journal;
  tag: string;
  /** Ids seen before the run wrote. */
  before: ReadonlySet<string>;
  /** Ids the run already owns, by list. */
  owned: (list: string, id: string) => boolean;
  adopt?: (list: string, id: string) => void;
  /** The account the run wrote to: a list that shows another account's items is not that account's. */
  account?: string;
}

/** A top-level list a create fills, the field its tag is sent in and the delete that removes its items. */
export interface Sweepable {
  create: WriteOperation;
  list: Operation;
  /** The field of a listed item the run's tag shows in. */
  tagIn: string;
  del: WriteOperation;
}

export function sweepables(contract: Contract): Sweepable[] {
  return contract.writes.flatMap((create) => {
    const list = contract.operations.find((r) => r.id === create.effect.list);
    const del = contract.writes.find((x) => x.action === 'delete' && x.effect.list === create.effect.list);
    const sent = tagField(create);
    // Where the tag shows on a listed item: the field that echoes the one it is sent in.
    const tagIn = sent === undefined ? undefined : echoField(create.response, sent);
    return create.action === 'create' && create.pathParams.length === 0 && list?.idField && del && tagIn
      ? [{ create, list, tagIn, del }]
      : [];
  });
}

/** Every item a list shows, page by page; complete only when its last page was read. */
export async function walk(
  transport: HttpTransport,
  list: Operation,
): Promise<{ items: Record<string, unknown>[]; complete: boolean; why?: string; status?: number }> {
  const size = largestPageSize(list);
  let url: string | undefined = `${list.path}${size ? `?PageSize=${size}` : ''}`;
  const items: Record<string, unknown>[] = [];
  for (let page = 0; url; page++) {
    if (page >= SWEEP_PAGES) return { items, complete: false, why: `more than ${SWEEP_PAGES} pages` };
    const e = await transport.get(url);
    const status = e.response?.status;
    const parsed = status === 200 ? parseProviderJson(e.response?.body ?? '') : undefined;
    const body = parsed?.ok ? parsed.value : undefined;
    if (!isRecord(body))
      return {
        items,
        complete: false,
        why: `${url} answered ${status ?? e.error?.message}`,
        ...(status !== undefined ? { status } : {}),
      };
    const found = body[list.itemsKey ?? ''];
    for (const it of Array.isArray(found) ? found : []) if (isRecord(it)) items.push(it);
    url = pageView(list, body).nextUrl(transport.baseUrl);
  }
  return { items, complete: true };
}

/** What a census read: whether every list refused the credentials, and the accounts its items name. */
export interface Census {
  /** Every list's first page answered 401 or 403: the credentials reach nothing. */
  refused: boolean;
  /** The account SIDs the listed items carry. */
  accounts: Set<string>;
}

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;

/** Before the run writes: the ids every list a create fills shows, journalled (a cleanup reads them back). */
export async function census(
  transport: HttpTransport,
  contract: Contract,
  journal: Journal,
  into: Set<string>,
): Promise<Census> {
  const accounts = new Set<string>();
  const statuses: Array<number | undefined> = [];
  // The lists side by side (each walked in order): a census is only reads.
  await mapLimit(sweepables(contract), 4, async ({ list }) => {
    const { items, complete, why, status } = await walk(transport, list);
    const ids = items.flatMap((it) =>
      typeof it[list.idField ?? ''] === 'string' ? [it[list.idField ?? ''] as string] : [],
    );
    for (const id of ids) into.add(id);
    for (const it of items)
      if (typeof it.account_sid === 'string' && ACCOUNT_SID.test(it.account_sid))
        accounts.add(it.account_sid);
    statuses.push(items.length === 0 ? status : 200);
    journal.record({ kind: 'census', list: list.id, ids, complete, ...(why ? { message: why } : {}) });
  });
  const refused = statuses.length > 0 && statuses.every((s) => s === 401 || s === 403);
  return { refused, accounts };
}

/**
 * Why a run must not write at all, from its census, or undefined: the credentials were refused on
 * every list, or the lists show only another account's items (an API key of another account than
 * the one named): nothing is sent, and the run says so in one line (src/run/access.ts).
 */
export function censusStop(c: Census, account: string | undefined): string | undefined {
  if (c.refused) return 'the credentials were refused on every list the census read';
  if (account && c.accounts.size > 0 && !c.accounts.has(account))
    return `the lists show another account's items (${[...c.accounts][0]}), not ${account}'s`;
  return undefined;
}

/** The ids a journal's census saw before its run wrote. */
export const censusOf = (entries: readonly JournalEntry[]): Set<string> =>
  new Set(entries.filter((e) => e.kind === 'census').flatMap((e) => e.ids ?? []));

/** Why a list read is not of the account written to: an item whose account field names another. */
function accountOf(s: Sweepable, item: Record<string, unknown>, account: string | undefined) {
  for (const field of account ? accountFields(s.create.response, account) : []) {
    const v = item[field];
    if (typeof v === 'string' && v !== account)
      return `it shows items of account ${v}, not of ${account}: these credentials do not reach what the run made`;
  }
  return undefined;
}

/** The made entry of an item a sweep found: its delete, and the fetch that proves it gone. */
function foundEntry(ctx: SweepContext, { list, tagIn, del }: Sweepable, id: string) {
  const last = del.pathParams.at(-1)?.name as string;
  const fetch = ctx.contract.operations.find((r) => r.id === list.pairsWith);
  const fetchLast = fetch?.pathParams.at(-1)?.name;
  return {
    kind: 'made' as const,
    write: del.id,
    id,
    list: list.id,
    undo: { write: del.id, method: del.method, path: fillPath(del.path, { [last]: id }) },
    ...(fetch && fetchLast ? { gone: { path: fillPath(fetch.path, { [fetchLast]: id }) } } : {}),
    message: `found by the run's tag in ${tagIn}`,
  };
}

export interface Swept {
  found: number;
  complete: boolean;
  incomplete: string[];
  /** A list showed another account's items: these credentials do not reach the run's account. */
  otherAccount?: string;
}

/**
 * Items of the run's own that it never heard of, in the lists named (all sweepable ones when none):
 * each journalled as made, with the delete that removes it. Returns whether every list was read whole,
 * and, given the run's account, whether a list showed another's (then nothing of that list is taken).
 */
export async function sweep(ctx: SweepContext, lists?: ReadonlySet<string>): Promise<Swept> {
  let found = 0;
  const incomplete: string[] = [];
  let otherAccount: string | undefined;
  for (const s of sweepables(ctx.contract)) {
    const { list, tagIn } = s;
    if (lists && !lists.has(list.id)) continue;
    const read = await walk(ctx.transport, list);
    const other = read.items.map((it) => accountOf(s, it, ctx.account)).find((x) => x !== undefined);
    if (!read.complete || other) incomplete.push(`${list.path}: ${other ?? read.why}`);
    otherAccount ??= other;
    for (const it of other ? [] : read.items) {
      const id = it[list.idField ?? ''];
      if (typeof id !== 'string' || !carriesTag(it[tagIn], ctx.tag)) continue;
      if (ctx.before.has(id) || ctx.owned(list.id, id)) continue;
      ctx.adopt?.(list.id, id);
      found++;
      ctx.journal.record(foundEntry(ctx, s, id));
    }
  }
  const complete = incomplete.length === 0;
  ctx.journal.record({
    kind: 'sweep',
    complete,
    message: complete ? `${found} found` : incomplete.join('; '),
  });
  return { found, complete, incomplete, ...(otherAccount ? { otherAccount } : {}) };
}
