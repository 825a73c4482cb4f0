// The reference provider's store: the items of every list under every parent (an ItemStore each),
// how many each list serves, and what writes did — which items a write made or changed, and when
// a made item's processing ends (a knowledge source is processed asynchronously: its status moves
// on and the lists under it fill once processing is over). Read from the model: nothing here names
// a resource or a path.

import { fits, type JsonSchema } from '../model/json-schema';
import { identifyingField, type Operation, type PathParam } from '../model/operation';
import { processingFields, singular, snakeCase } from '../model/twilio-conventions';
import { processedChildren } from '../model/writes';
import type { Contract } from '../schemas/contract';
import { generate, hashInt, type Json } from '../schemas/generate';
import { ItemStore } from './item-store';
import { PageTokens } from './page-token';

export type Item = Record<string, Json>;

export interface StoreOptions {
  seed: number;
  /** Items of each top-level list. */
  topItems: number;
  /** Items of each nested list under a parent that has children (one parent in four has none). */
  nestedItems: number;
  /** The account every item belongs to: fields documented as that kind of SID carry it. */
  accountSid: string | undefined;
  /** How long a made item with lists to fill stays processing, in ms. */
  processingMs: number;
}

export class Store {
  readonly byId: ReadonlyMap<string, Operation>;
  /** Signs the PageTokens of every list: a token is good for its list and parent only. */
  readonly tokens: PageTokens;
  private readonly stores = new Map<string, ItemStore>();
  private readonly instances = new Map<string, JsonSchema>();
  private readonly processed = new Map<string, Operation[]>();
  /** Sizes set from outside (a pact state, a test); undefined: the seeded size. */
  private readonly overrides = new Map<string, number>();
  /** Items a write made, with when their processing ends; items an update changed. */
  private readonly made = new Map<string, { readyAt: number }>();
  private readonly changed = new Set<string>();
  /** What updates set on items no list shows (a service's configuration), by fetch and parent. */
  private readonly singles = new Map<string, Item>();
  private readonly unlistedValues = new Map<string, string>();

  constructor(
    readonly contract: Contract,
    readonly o: StoreOptions,
  ) {
    this.byId = new Map(contract.operations.map((op) => [op.id, op]));
    this.tokens = new PageTokens(`reference-provider:${o.seed}`);
  }

  get seed(): number {
    return this.o.seed;
  }

  /** The schema of one item: a fetch's body, or one entry of a list page. */
  instanceOf(op: Operation): JsonSchema {
    let s = this.instances.get(op.id);
    if (!s) {
      const merged = this.contract.merged(op);
      s = (op.kind === 'list' ? merged.properties?.[op.itemsKey ?? '']?.items : merged) ?? {};
      this.instances.set(op.id, s);
    }
    return s;
  }

  op(id: string | undefined): Operation | undefined {
    return id === undefined ? undefined : this.byId.get(id);
  }

  parentKey(op: { pathParams: readonly PathParam[] }, values: Record<string, string>): string {
    return op.pathParams.map((p) => `${p.name}=${values[p.name] ?? ''}`).join('&');
  }

  /** The items of a list under the parent the path values name. */
  items(op: Operation, values: Record<string, string>): ItemStore {
    const parent = this.parentKey(op, values);
    const key = `${op.id}?${parent}`;
    let store = this.stores.get(key);
    if (!store) {
      const inherited = this.inherited(this.instanceOf(op), op.pathParams, values, op.idField);
      store = new ItemStore(op, this.instanceOf(op), parent, this.o.seed, inherited, this.accountFirst(op));
      this.stores.set(key, store);
    }
    return store;
  }

  /**
   * The account itself, first in a top-level list whose items are accounts (its id field's pattern
   * takes the account's SID): Twilio lists the account beside its subaccounts.
   */
  private accountFirst(op: Operation): string | undefined {
    const account = this.o.accountSid;
    const idSchema = op.idField ? this.instanceOf(op).properties?.[op.idField] : undefined;
    return account && op.pathParams.length === 0 && idSchema?.pattern && fits(idSchema, account)
      ? account
      : undefined;
  }

  /**
   * Fields an item takes from its context: the account's SID wherever the schema's pattern for a
   * field accepts it, and from its parent, <parent>_id or the path parameter in snake_case.
   */
  inherited(
    schema: JsonSchema,
    pathParams: readonly PathParam[],
    values: Record<string, string>,
    idField: string | undefined,
  ): Record<string, string> {
    const props = schema.properties ?? {};
    const out: Record<string, string> = {};
    const account = this.o.accountSid;
    if (account)
      for (const [field, s] of Object.entries(props))
        if (s.pattern && field !== idField && fits(s, account)) out[field] = account;
    for (const p of pathParams) {
      const parent = this.op(p.from?.operation);
      const value = values[p.name];
      if (value === undefined) continue;
      // Named after the parameter even where no list supplies it (a domain's configuration).
      const candidates = [
        snakeCase(p.name),
        ...(parent ? [`${singular(snakeCase(parent.resource))}_${p.from?.field ?? 'id'}`] : []),
      ];
      const field = candidates.find((c) => c !== idField && props[c] && fits(props[c] as JsonSchema, value));
      if (field) out[field] = value;
    }
    return out;
  }

  /**
   * How many generated items a list has under this parent (what writes added comes on top): never
   * more than its id field has distinct values left (ItemStore.room).
   */
  generated(op: Operation, values: Record<string, string>): number {
    return Math.min(this.seeded(op, values), this.items(op, values).room());
  }

  /** How many items a list is meant to have under this parent: resized, made by a write, or seeded. */
  private seeded(op: Operation, values: Record<string, string>): number {
    // A resized list shows exactly that many items, what writes added included.
    const set = this.overrides.get(op.id);
    if (set !== undefined) return Math.max(0, set - this.items(op, values).addedCount);
    const parent = op.pathParams.map((p) => this.made.get(values[p.name] ?? '')).find(Boolean);
    if (parent) {
      const list = this.op(op.pathParams.at(-1)?.from?.operation);
      const filled = list && this.processedUnder(list).includes(op);
      return filled && Date.now() >= parent.readyAt ? this.o.nestedItems : 0;
    }
    if (op.pathParams.length === 0) return this.o.topItems;
    // Under path values no list supplies (one per parameter here), every list has items.
    if (op.pathParams.every((p) => !p.from)) return this.o.nestedItems;
    // One parent in four has none: the fourth, eighth… of its list (never the first three a reader meets).
    const last = op.pathParams.at(-1);
    const parentList = this.op(last?.from?.operation);
    const k = parentList && last ? this.find(parentList, values, values[last.name] ?? '') : undefined;
    if (k !== undefined) return k % 4 === 3 ? 0 : this.o.nestedItems;
    return hashInt(this.o.seed, this.parentKey(op, values)) % 4 === 0 ? 0 : this.o.nestedItems;
  }

  /** How many items a list shows now (resized below what writes added, its first items only). */
  shown(op: Operation, values: Record<string, string>): number {
    const count = this.items(op, values).size(this.generated(op, values));
    return Math.min(count, this.overrides.get(op.id) ?? Number.POSITIVE_INFINITY);
  }

  /**
   * An item removed from its list is no longer attached anywhere: every nested list that shows items
   * of that list (an assistant's knowledge) stops showing it, as the stateful model expects. A list
   * never shows an item that can neither be fetched nor detached.
   */
  detachEverywhere(list: Operation, id: string): void {
    const nested = new Set(
      this.contract.writes.flatMap((w) =>
        w.action === 'attach' && w.effect.item === list.id && w.effect.list ? [w.effect.list] : [],
      ),
    );
    for (const [key, items] of this.stores)
      if (nested.has(key.slice(0, key.indexOf('?'))) && items.hasAdded(id)) items.remove(id);
  }

  /** The position of an item a list shows, by id; undefined when it shows none. */
  find(list: Operation, values: Record<string, string>, id: string): number | undefined {
    return this.items(list, values).find(id, this.generated(list, values));
  }

  /** The k-th item a list shows. */
  at(list: Operation, values: Record<string, string>, k: number): Item {
    return this.items(list, values).at(k, this.generated(list, values));
  }

  /** Every path parameter names an existing item of the list that supplies it. */
  exists(op: { pathParams: readonly PathParam[] }, values: Record<string, string>): boolean {
    return op.pathParams.every((p) => {
      const list = this.op(p.from?.operation);
      if (!list) return values[p.name] === this.unlisted(p.name);
      const value = values[p.name];
      return this.exists(list, values) && value !== undefined && this.find(list, values, value) !== undefined;
    });
  }

  /** What updates set on the item a fetch no list pairs with serves under these path values. */
  single(op: Operation, values: Record<string, string>): Item {
    return this.singles.get(`${op.id}?${this.parentKey(op, values)}`) ?? {};
  }

  patchSingle(op: Operation, values: Record<string, string>, fields: Item): void {
    const key = `${op.id}?${this.parentKey(op, values)}`;
    this.singles.set(key, { ...(this.singles.get(key) ?? {}), ...fields });
  }

  /** The value a path parameter no list supplies takes here (unlistedValue). */
  unlisted(name: string): string {
    let v = this.unlistedValues.get(name);
    if (v === undefined) {
      v = unlistedValue(this.contract.operations, name, this.o.seed);
      this.unlistedValues.set(name, v);
    }
    return v;
  }

  setCount(operationId: string, n: number | undefined): void {
    if (n === undefined) this.overrides.delete(operationId);
    else this.overrides.set(operationId, n);
  }

  resetCounts(): void {
    this.overrides.clear();
  }

  /** A write made this item; its processing (when it has lists to fill) ends `processingMs` from now, or never. */
  madeNow(id: string, processing: 'none' | 'timed' | 'never' = 'none'): void {
    const wait =
      processing === 'never' ? Number.POSITIVE_INFINITY : processing === 'timed' ? this.o.processingMs : 0;
    this.made.set(id, { readyAt: Date.now() + wait });
  }

  changedNow(id: string): void {
    this.changed.add(id);
  }

  /** Whether a write made (or changed) this item: its identifier is one a write gave out. */
  written(op: Operation, item: Record<string, unknown>): boolean {
    const field = identifyingField(op);
    const id = field ? item[field] : undefined;
    return typeof id === 'string' && (this.made.has(id) || this.changed.has(id));
  }

  /** Lists nested under an item of `list` that no write fills: what processing fills. */
  processedUnder(list: Operation): Operation[] {
    let out = this.processed.get(list.id);
    if (!out) {
      out = processedChildren(this.contract.model, list);
      this.processed.set(list.id, out);
    }
    return out;
  }

  /** An item's processing-state fields as of now, when a write made it (or what it sits under). */
  processing(schema: JsonSchema, item: Item, values: Record<string, string>, id?: unknown): Item {
    const readyAt =
      (typeof id === 'string' ? this.made.get(id)?.readyAt : undefined) ??
      Object.values(values)
        .map((v) => this.made.get(v)?.readyAt)
        .find((t) => t !== undefined);
    if (readyAt === undefined) return item;
    const fields = processingFields(schema);
    if (fields.length === 0) return item;
    const out = { ...item };
    for (const [name, busy, done] of fields) out[name] = Date.now() < readyAt ? busy : done;
    return out;
  }
}

/**
 * The one value a path parameter no list supplies takes at the reference provider (an export's
 * ResourceType, an interaction's Sid with no list of interactions): generated from the parameter's
 * documented schema and the seed, the same wherever the parameter appears. Any other value is 404.
 */
export function unlistedValue(reads: readonly Operation[], name: string, seed: number): string {
  const schema = reads
    .flatMap((op) => Object.values(op.schemas).map((s) => s?.path?.properties?.[name]))
    .find((s): s is JsonSchema => s !== undefined) ?? { type: 'string' };
  const v = generate(schema, hashInt(seed, 'unlisted', name), snakeCase(name));
  return typeof v === 'string' && v !== '' ? v : String(v);
}

/**
 * The values of an operation's path parameters no list supplies: what the reference provider holds
 * (all of its path values when no list supplies any; else the rest come from the lists the run reads).
 */
export function unlistedHints(
  reads: readonly Operation[],
  op: Operation,
  seed: number,
): Array<Record<string, string>> {
  const unlisted = op.pathParams.filter((p) => !p.from);
  if (unlisted.length === 0) return [];
  return [Object.fromEntries(unlisted.map((p) => [p.name, unlistedValue(reads, p.name, seed)]))];
}
