// The one way a run writes. Every write — arranged data, refusals, the model-based property, a pact's
// provider states, undo — goes through WriteSession.send, which holds the rules of writing on a real
// account whatever the provider answers:
//  - only items the run owns are ever changed or removed (every path value names one; an unknown id is
//    a made-up one); an item is the run's own when its create's answer carries the run's tag in the
//    field it was sent in, its id was seen neither before the run nor in another create's answer, and
//    a fetch of that id shows the tag there too (the item itself says whose it is); any other answer
//    to a create is "maybe made": its id is never changed, a sweep for the tag finds what it made;
//  - what may make something is journalled before it is sent (a journal that cannot be written stops
//    writing); an answer that is lost, a 429 or a 5xx is "maybe made" (never sent again);
//  - every answer's account fields must name the account written to, else writing stops.

import { isRecord, parseProviderJson } from '../../json';
import { alignValues, fillPath, type Operation, type PathParam, tryFillPath } from '../../model/operation';
import { type Envelope, echoField, pageView } from '../../model/twilio-conventions';
import type { WriteOperation } from '../../model/writes';
import { redact } from '../../redact';
import type { WriteObservation, WriteScenario } from '../../rules/writes/observation';
import type { Contract } from '../../schemas/contract';
import { type Exchange, type HttpTransport, neverReached, RunLimitError } from '../../transport/http';
import { carriesTag, type Journal, type JournalEntry, JournalError } from '../journal';
import { UNKNOWN_ID } from '../plan-state';
import { accountFields, holdsAccounts, type Reach, reach } from '../reach';

export interface SessionOptions {
  contract: Contract;
  /** Sends the writes and what they read back (its own budget). */
  transport: HttpTransport;
  /** Undoes what the run made: no budget, no deadline. */
  cleanup: HttpTransport;
  journal: Journal;
  tag: string;
  seed: number;
  /** The account written to: every write answer's account fields must name it. */
  account?: string;
  /** The reference provider, no real account: what costs money or reaches a person is sent too. */
  offline?: boolean;
  /** How long an item processed asynchronously may take, and how often it is polled (ms). */
  processingBoundMs?: number;
  pollMs?: number;
  /**
   * The provider moves an update's timestamps at least a second on by itself (the reference provider
   * does): an update is sent at once, not held for the next second of the clock as for Twilio.
   */
  datesMoveOn?: boolean;
}

export interface SendOptions {
  scenario: WriteScenario;
  expect: WriteObservation['expect'];
  body?: unknown;
  /** Characters sent as the body (malformed JSON). */
  raw?: string;
  authenticate?: boolean;
  why?: string;
  /** The field the run's tag was sent in (a create): its answer must carry it there. */
  tagIn?: string;
  /** How what this write makes is undone and proven gone (the action's own undo), given the id it made. */
  undo?: (id: string | undefined) => Pick<JournalEntry, 'undo' | 'gone'>;
}

type Settled = Pick<JournalEntry, 'n' | 'write' | 'path'>;

/** Nothing more is written: another account answered, or a path named what the run does not own. */
export class WriteStopped extends RunLimitError {}

const MAKES = new Set(['create', 'attach', 'send']);
/** What the transport did not send at all: nothing can have been made. */
const NOT_SENT = new Set(['budget', 'deadline', 'refused', 'unreachable', 'not-recorded']);

export class WriteSession {
  readonly observations: WriteObservation[] = [];
  /** The run's own items, by the list that shows them, in the order they were made. */
  readonly mine = new Map<string, string[]>();
  /** What each of the run's items was made under: the path values of the write that made it. */
  readonly under = new Map<string, ReadonlySet<string>>();
  /** Ids the lists showed before the run wrote: never adopted. */
  readonly before = new Set<string>();
  readonly reads: ReadonlyMap<string, Operation>;
  /** Why writing stopped, once it has. */
  stopped?: string;
  /** Creates whose answer was lost or ambiguous, by the list they fill: a sweep for the tag decides. */
  readonly lost = new Set<string>();
  private n = 0;
  /** The fetch that proved a create's item the run's own, right after the create answered. */
  readonly readBack = new WeakMap<WriteObservation, Awaited<ReturnType<WriteSession['read']>>>();

  /** Which writes this run may send, and why the others are not sent. */
  readonly reach: Reach;

  constructor(readonly o: SessionOptions) {
    this.reads = new Map(o.contract.operations.map((r) => [r.id, r]));
    this.reach = reach(o.contract, { realAccount: o.offline !== true, account: o.account });
  }

  get contract(): Contract {
    return this.o.contract;
  }
  get tag(): string {
    return this.o.tag;
  }
  get journal(): Journal {
    return this.o.journal;
  }
  /** The writes this run may send (src/run/reach.ts); the others are reported with the reason. */
  get writes(): readonly WriteOperation[] {
    return this.reach.sendable;
  }

  owns(list: string | undefined, id: string | undefined): boolean {
    return list !== undefined && id !== undefined && (this.mine.get(list)?.includes(id) ?? false);
  }
  first(list: string | undefined): string | undefined {
    return list ? this.mine.get(list)?.[0] : undefined;
  }
  adopt(list: string, id: string, values: Record<string, string> = {}): void {
    this.mine.set(list, [...(this.mine.get(list) ?? []), id]);
    if (Object.keys(values).length) this.under.set(id, new Set(Object.values(values)));
  }
  forget(list: string, id: string): void {
    this.mine.set(
      list,
      (this.mine.get(list) ?? []).filter((x) => x !== id),
    );
  }
  /**
   * Whether a top-level list's items are accounts (its id field's documented pattern takes the
   * account written to): the account is the one such item a run writes under, never one it changes.
   */
  holdsAccounts(list: string | undefined): boolean {
    return holdsAccounts(this.contract, this.reads.get(list ?? ''), this.o.account);
  }
  /** The value of a parent path parameter: the account written to where its list holds accounts, else the run's first own item. */
  parent(list: string | undefined): string | undefined {
    return this.holdsAccounts(list) ? this.o.account : this.first(list);
  }
  /**
   * Path values ending in `last`, each parent the one `last` was made under (the run's items are made
   * side by side: its first item of a parent list may not be the one a child was made under); a list
   * of accounts gives the account written to. Undefined when a parent is missing.
   */
  lineage(params: readonly PathParam[], last: string): Record<string, string> | undefined {
    const parents = this.under.get(last);
    const values: Record<string, string> = {};
    for (const [k, p] of params.entries()) {
      const list = p.from?.operation;
      const v =
        k === params.length - 1
          ? last
          : this.holdsAccounts(list)
            ? this.o.account
            : ((this.mine.get(list ?? '') ?? []).find((id) => parents?.has(id)) ?? this.first(list));
      if (v === undefined) return undefined;
      values[p.name] = v;
    }
    return values;
  }

  /** Whether a write's k-th path parameter names the item it acts on (not a parent it is under). */
  static isTarget(w: WriteOperation, k: number): boolean {
    return k === w.pathParams.length - 1 && !['create', 'send'].includes(w.action);
  }

  /**
   * Whether an id is known from before the run or from the run's own answers: of any list, or of this
   * one (an id its user names, an entity's identity, is one only within its list).
   */
  known(id: string, list?: string): boolean {
    const mine = list === undefined ? [...this.mine.values()] : [this.mine.get(list) ?? []];
    return this.before.has(id) || mine.some((ids) => ids.includes(id));
  }
  writeOf(action: WriteOperation['action'], list: string | undefined): WriteOperation | undefined {
    return this.writes.find((w) => w.action === action && w.effect.list === list);
  }

  /** Why a write may not go to these path values: a value that names nothing the run owns. */
  private unowned(
    w: WriteOperation,
    values: Record<string, string>,
    scenario: WriteScenario,
  ): string | undefined {
    for (const [k, p] of w.pathParams.entries()) {
      const v = values[p.name];
      if (scenario === 'unknown-id' && k === w.pathParams.length - 1 && v === UNKNOWN_ID) continue;
      const parent = !WriteSession.isTarget(w, k) && this.holdsAccounts(p.from?.operation);
      if (parent && v === this.o.account) continue;
      if (!this.owns(p.from?.operation, v))
        return `${p.name} ${JSON.stringify(v)} is not an item this run made`;
    }
    return undefined;
  }

  /**
   * Sends one write under the rules above; its observation is kept for the write rules. Writes go
   * one at a time, whoever asks (reads do not wait): each answer is checked — its account, what it
   * made — before the next write leaves.
   */
  send(w: WriteOperation, values: Record<string, string>, opts: SendOptions): Promise<WriteObservation> {
    const turn = this.lane.then(() => this.sendNow(w, values, opts));
    this.lane = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /** The one write in flight. */
  private lane: Promise<void> = Promise.resolve();

  private async sendNow(
    w: WriteOperation,
    values: Record<string, string>,
    opts: SendOptions,
  ): Promise<WriteObservation> {
    // The journal's first line is on disk before anything is written.
    await this.journal.durable;
    if (this.journal.broken) this.stopped ??= `${this.journal.broken}: writing stopped`;
    if (this.stopped) throw new WriteStopped(`not sent: ${this.stopped}`);
    const refused = this.unowned(w, values, opts.scenario);
    if (refused) throw new WriteStopped(`refused ${w.method} ${w.path}: ${refused}`);
    const path = fillPath(w.path, values);
    const makes = MAKES.has(w.action);
    const n = ++this.n;
    if (makes) this.announce({ kind: 'intent', n, write: w.id, path });
    const exchange = await this.o.transport.send(w.method, path, {
      ...(opts.raw !== undefined ? { raw: opts.raw } : opts.body !== undefined ? { body: opts.body } : {}),
      ...(opts.authenticate === false ? { authenticate: false } : {}),
      ...(w.requestEncoding ? { encoding: w.requestEncoding } : {}),
      makes,
    });
    const obs = observe(w, exchange, opts);
    this.checkAccount(obs);
    if (makes) await this.settle(obs, { n, write: w.id, path }, opts, values);
    this.observations.push(obs);
    return obs;
  }

  /** Journals what a write is about to do; a journal that cannot be written stops writing first. */
  private announce(entry: Omit<JournalEntry, 'at' | 'tag'>): void {
    try {
      this.journal.record(entry);
    } catch (error) {
      if (!(error instanceof JournalError)) throw error;
      this.stopped ??= error.message;
      throw new WriteStopped(`not sent: ${error.message}`);
    }
  }

  /** Every account field of a write's answer names the account written to, else writing stops. */
  private checkAccount(obs: WriteObservation): void {
    const account = this.o.account;
    if (!account || !isRecord(obs.json) || (obs.exchange.response?.status ?? 500) >= 300) return;
    // The item's own id is no account field, even when it is an account (API v2010's subaccounts).
    const own = this.reads.get(obs.write.effect.list ?? obs.write.effect.fetch ?? '')?.idField;
    for (const field of accountFields(obs.write.response, account).filter((f) => f !== own)) {
      const v = obs.json[field];
      if (typeof v !== 'string' || v === account) continue;
      const why = `${obs.write.id} answered ${field} ${v}, not the account written to (${account})`;
      obs.safety = [...(obs.safety ?? []), { rule: 'write.account', message: why }];
      this.stopped ??= `${why}: writing stopped, what the run made is undone`;
    }
  }

  /** What a write that may make something made, as far as its answer proves it: journalled at once. */
  private async settle(
    obs: WriteObservation,
    base: Settled,
    opts: SendOptions,
    values: Record<string, string>,
  ): Promise<void> {
    const w = obs.write;
    const status = obs.exchange.response?.status;
    if (
      status === undefined &&
      (NOT_SENT.has(obs.exchange.error?.kind ?? '') || neverReached(obs.exchange))
    ) {
      // The transport's own words already say "not sent: …".
      const said = obs.exchange.error?.message ?? '';
      this.journal.record({
        ...base,
        kind: 'failed',
        message: said.startsWith('not sent') ? said : `not sent: ${said}`,
      });
    } else if (status === undefined || status === 429 || status >= 500) {
      // Maybe made: never sent again here. A sweep for the tag finds what a create made; an attach is detached anyway.
      if (w.action === 'create' && w.effect.list) this.lost.add(w.effect.list);
      const why = status === undefined ? obs.exchange.error?.message : `status ${status}`;
      const undo = w.action === 'attach' ? opts.undo?.(undefined) : undefined;
      this.journal.record({ ...base, ...undo, kind: 'lost', message: `answer lost or ambiguous (${why})` });
    } else if (status >= 300) {
      this.journal.record({ ...base, kind: 'failed', message: `status ${status}` });
    } else if (w.action === 'create') await this.settleCreate(obs, base, opts, values);
    else if (w.action === 'attach')
      this.journal.record({ ...base, ...opts.undo?.(undefined), kind: 'made', list: w.effect.list });
    else this.settleSend(obs, base, values);
  }

  private async settleCreate(
    obs: WriteObservation,
    base: Settled,
    opts: SendOptions,
    values: Record<string, string>,
  ): Promise<void> {
    const w = obs.write;
    const list = this.reads.get(w.effect.list ?? '');
    const json = isRecord(obs.json) ? obs.json : {};
    const id = list?.idField ? json[list.idField] : undefined;
    if (!list || typeof id !== 'string' || id === '') {
      if (list) this.lost.add(list.id);
      this.journal.record({ ...base, kind: 'lost', message: 'the answer names no id: a sweep decides' });
      return;
    }
    const why = await this.notOwn(obs, list, id, values, opts.tagIn);
    if (why) {
      // What the create made, if anything, is unknown: a sweep for the tag decides (here, or a cleanup's).
      obs.safety = [...(obs.safety ?? []), { rule: 'write.create-new', message: why }];
      this.lost.add(list.id);
      this.journal.record({ ...base, kind: 'lost', message: `${why}; a sweep for the run's tag decides` });
      return;
    }
    this.adopt(list.id, id, values);
    this.journal.record({ ...base, ...opts.undo?.(id), kind: 'made', id, list: list.id });
    for (const also of w.effect.alsoCreates ?? [])
      this.journal.record({
        ...base,
        kind: 'made',
        list: also.list,
        message: `a ${also.field} made with it; no operation removes it`,
      });
  }

  /**
   * Why an id a create answered is not the run's own, or undefined when it is: an id seen before, an
   * answer without the run's tag where it was sent, an id the journal could not hold (it holds a
   * secret), or a fetch of it that does not show the tag (the item itself says whose it is).
   */
  private async notOwn(
    obs: WriteObservation,
    list: Operation,
    id: string,
    values: Record<string, string>,
    tagIn: string | undefined,
  ): Promise<string | undefined> {
    const w = obs.write;
    const json = isRecord(obs.json) ? obs.json : {};
    const echo = tagIn === undefined ? undefined : echoField(w.response, tagIn);
    const answered = `${w.id} answered ${list.idField} ${id}`;
    if (this.known(id, list.id)) return `${answered}, an item that is not new: not adopted, never changed`;
    if (echo === undefined || !carriesTag(json[echo], this.tag))
      return `${answered} without the run's tag in ${echo ?? tagIn ?? 'a field'}: not adopted, never changed`;
    if (redact(id) !== id) return `${w.id} answered an id that holds a secret: not adopted, never changed`;
    const path = itemPath(this.reads.get(w.effect.fetch ?? ''), values, id, w.path);
    if (!path) return undefined;
    const r = await this.read(path);
    const item = isRecord(r.json) ? r.json : {};
    if (r.status === 200 && item[list.idField ?? ''] === id && carriesTag(item[echo], this.tag)) {
      // The fetch right after the create, which the create's judge reads too: not sent twice.
      this.readBack.set(obs, r);
      return undefined;
    }
    // What the fetch showed instead is evidence the create's answer was not what it made (write.create-readable).
    obs.evidence.fetched = r;
    const got = r.status === 200 ? `an item without the run's tag in ${echo}` : (r.status ?? 'nothing');
    return `${answered}, but its fetch answered ${got}: not adopted, never changed`;
  }

  /**
   * What a send names (a conversation) is the run's when the run named it (with its tag) and it is new;
   * the item its path names it answers as sent.
   */
  private settleSend(obs: WriteObservation, base: Settled, values: Record<string, string>): void {
    const w = obs.write;
    for (const name of w.effect.names ?? []) {
      const id = isRecord(obs.json) ? obs.json[name.field] : undefined;
      if (typeof id !== 'string' || this.owns(name.list, id)) continue;
      // The item its path named (the account a token is made under): the run named it, it made nothing.
      if (Object.values(values).includes(id)) continue;
      if (this.before.has(id) || !id.includes(this.tag)) {
        obs.safety = [
          ...(obs.safety ?? []),
          {
            rule: 'write.create-new',
            message: `${w.id} answered ${name.field} ${id}, which the run did not name: not its own`,
          },
        ];
        continue;
      }
      this.adopt(name.list, id, values);
      this.journal.record({ ...base, kind: 'made', id, list: name.list, message: 'no operation removes it' });
    }
  }

  /** A GET through the write transport, parsed. */
  async read(path: string): Promise<{ url: string; status?: number; json?: unknown }> {
    const e = await this.o.transport.get(path);
    const parsed = e.response ? parseProviderJson(e.response.body) : undefined;
    return {
      url: e.request.url,
      ...(e.response ? { status: e.response.status } : {}),
      ...(parsed?.ok ? { json: parsed.value } : {}),
    };
  }

  /** Whether a list shows an item: walked at its largest PageSize, five pages at most. */
  async shown(list: Operation, values: Record<string, string>, id: string) {
    return shownIn(this.o.transport, list, values, id);
  }
}

function observe(w: WriteOperation, exchange: Exchange, opts: SendOptions): WriteObservation {
  const obs: WriteObservation = {
    scenario: opts.scenario,
    write: w,
    exchange,
    expect: opts.expect,
    ...(opts.raw !== undefined ? { sent: opts.raw } : opts.body !== undefined ? { sent: opts.body } : {}),
    ...(opts.why ? { why: opts.why } : {}),
    evidence: {},
  };
  const text = exchange.response?.body ?? '';
  if (text.trim() !== '') {
    const parsed = parseProviderJson(text);
    if (parsed.ok) obs.json = parsed.value;
    else obs.jsonError = parsed.error;
  }
  return obs;
}

/**
 * The fetch path of an item, under the same parents as the write whose path values these are
 * (`from`, that write's path: parameters matched by name, else by position); undefined when unfillable.
 */
export function itemPath(
  fetch: Operation | undefined,
  values: Record<string, string>,
  id: string,
  from = fetch?.path ?? '',
): string | undefined {
  const last = fetch?.pathParams.at(-1)?.name;
  if (!fetch || !last) return undefined;
  return tryFillPath(fetch.path, { ...alignValues(from, values, fetch.path), [last]: id });
}

export { accountFields };

/** The largest PageSize a list's query schema allows (at most 1,000), when it takes one. */
export function largestPageSize(list: Operation): number | undefined {
  const size = Object.values(list.schemas)
    .map((s) => s?.query?.properties?.PageSize?.maximum)
    .find((m) => typeof m === 'number');
  return size === undefined ? undefined : Math.min(size, 1000);
}

/** A list's path at its largest PageSize: the fewest pages to read it whole. */
export function widest(list: Operation, values: Record<string, string>): string {
  const size = largestPageSize(list);
  return `${fillPath(list.path, values)}${size ? `?PageSize=${size}` : ''}`;
}

/** What reading a list's pages needs: where its items are, what identifies one, where its next page is. */
export interface ListShape {
  itemsKey: string;
  idField: string;
  envelope?: Envelope;
}

export const listShape = (list: Operation): ListShape => ({
  itemsKey: list.itemsKey ?? '',
  idField: list.idField ?? 'id',
  ...(list.envelope ? { envelope: list.envelope } : {}),
});

/** Whether a list shows an item: walked at its largest PageSize, five pages at most. */
export const shownIn = (
  transport: HttpTransport,
  list: Operation,
  values: Record<string, string>,
  id: string,
) => listShows(transport, widest(list, values), listShape(list), id);

/** Whether the list at `start` shows an item, following its next page links, five pages at most. */
export async function listShows(
  transport: HttpTransport,
  start: string,
  shape: ListShape,
  id: string,
): Promise<{ url: string; shown: boolean; complete: boolean }> {
  let url: string | undefined = start;
  for (let page = 0; url && page < 5; page++) {
    const e = await transport.get(url);
    // The parent is gone (404): nothing is listed under it any more.
    if (e.response?.status === 404 && page === 0) return { url: start, shown: false, complete: true };
    const parsed = e.response?.status === 200 ? parseProviderJson(e.response.body) : undefined;
    const body = parsed?.ok ? parsed.value : undefined;
    if (!isRecord(body)) return { url: start, shown: false, complete: false };
    const items = body[shape.itemsKey];
    if (Array.isArray(items) && items.some((it) => isRecord(it) && it[shape.idField] === id))
      return { url: start, shown: true, complete: true };
    url = pageView(shape, body).nextUrl(transport.baseUrl);
  }
  return { url: start, shown: false, complete: url === undefined };
}
