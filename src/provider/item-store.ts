// The items of one list under one parent: every generated value is a pure function of (seed,
// operation, parent, index), so large lists cost little memory and the same seed always gives the
// same data; nested items carry their parent's id where their schema has a field for it; writes
// change a list through an overlay (added, removed, changed items).

import { isRecord } from '../json';
import { type JsonSchema, schemaTypes } from '../model/json-schema';
import type { Operation } from '../model/operation';
import { listValues, valueSpace } from '../model/value-space';
import { dateIn, generate, hashInt, ISO_BASE, isDateTimeFormat, type Json } from '../schemas/generate';

/** An id as its field's schema types it: a number for an integer id (an event schema's version), else the string. */
export function idValue(schema: JsonSchema, field: string, id: string): Json {
  const types = schemaTypes(schema.properties?.[field] ?? {});
  return (types.includes('integer') || types.includes('number')) &&
    !types.includes('string') &&
    /^-?\d+$/.test(id)
    ? Number(id)
    : id;
}

/** Items kept per list and parent; beyond it they are generated again on demand (the same, by seed). */
const CACHED_ITEMS = 20_000;

/**
 * The items of one list under one parent: ids generated once (unique), items generated on demand and
 * cached; then what writes did to it: items added (after the generated ones, in creation order),
 * items removed, fields changed. The list a page shows is the generated items less the removed,
 * then the added, then the stale (removed, but still listed: a list served from a lagging copy).
 */
export class ItemStore {
  private readonly ids: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly cache = new Map<number, Record<string, Json>>();
  private readonly added: Array<Record<string, Json>> = [];
  private readonly removed = new Set<string>();
  private readonly patches = new Map<string, Record<string, Json>>();
  private readonly stale: Array<Record<string, Json>> = [];
  /** Ids handed out by writes, ever: never given twice, even after a delete. */
  private minted = 0;
  private readonly given = new Set<string>();
  /** The id field's value space: its size, and (when small) its values in order, read up to `next`. */
  private space: { size: number; values: string[] | undefined; next: number } | undefined;

  constructor(
    readonly op: Operation,
    readonly schema: JsonSchema,
    readonly parentKey: string,
    readonly seed: number,
    /** Fields to set from the parent (e.g. a message's session_id). */
    readonly inherited: Readonly<Record<string, string>>,
    /** The first item's id, when the list shows a known item first (the accounts list, the account). */
    readonly firstId?: string,
  ) {}

  private get idField(): string | undefined {
    return this.op.idField;
  }

  private get idSchema(): JsonSchema {
    return this.schema.properties?.[this.idField ?? 'id'] ?? { type: 'string' };
  }

  /** The id field's value space (read once): how many distinct ids exist, and the values when few. */
  private idSpace(): NonNullable<ItemStore['space']> {
    this.space ??= { size: valueSpace(this.idSchema), values: listValues(this.idSchema), next: 0 };
    return this.space;
  }

  private free(v: string): boolean {
    return !this.index.has(v) && !this.given.has(v);
  }

  /** The first value of a small id space no item has: every one before it is taken for good (ids are never given back). */
  private firstFree(): string | undefined {
    const space = this.idSpace();
    const values = space.values ?? [];
    while (space.next < values.length && !this.free(values[space.next] as string)) space.next++;
    return values[space.next];
  }

  /**
   * How many generated items a list may show: never more than its id field has distinct values
   * (a list keyed by two-letter country codes holds at most 676), less the ids writes gave out.
   */
  room(): number {
    // Items the list tells apart by no id are as many as asked.
    if (this.idField === undefined) return Number.POSITIVE_INFINITY;
    return Math.max(0, this.idSpace().size - this.given.size);
  }

  private grow(n: number): void {
    const field = this.idField ?? 'id';
    const idSchema = this.idSchema;
    while (this.ids.length < n) {
      const k = this.ids.length;
      let id = k === 0 && this.firstId !== undefined ? this.firstId : '';
      const free = (v: string) => this.free(v);
      for (let attempt = 0; attempt < 100 && id === ''; attempt++) {
        const v = generate(idSchema, hashInt(this.seed, this.op.id, this.parentKey, 'id', k, attempt), field);
        const next = typeof v === 'string' ? v : String(v);
        // Never an id a write already gave an item: generated items come after, in any order of growth.
        if (free(next)) id = next;
        else if (attempt === 99) id = this.firstFree() ?? next;
      }
      // An integer id whose range the generator keeps small (a list item's index): the next free one.
      if (!free(id) && schemaTypes(idSchema).includes('integer'))
        for (let n = k; ; n++)
          if (free(String(n))) {
            id = String(n);
            break;
          }
      this.ids.push(id);
      this.index.set(id, k);
    }
  }

  idAt(k: number): string {
    this.grow(k + 1);
    return this.ids[k] as string;
  }

  indexOf(id: string, count: number): number | undefined {
    // Ids are generated in order; look only among the first `count`.
    this.grow(count);
    const k = this.index.get(id);
    return k !== undefined && k < count ? k : undefined;
  }

  itemAt(k: number): Record<string, Json> {
    const cached = this.cache.get(k);
    if (cached) return { ...cached };
    const item = this.generateAt(k);
    if (this.cache.size < CACHED_ITEMS) this.cache.set(k, item);
    return { ...item };
  }

  /** How many items the list shows, of `count` generated. */
  size(count: number): number {
    return this.visible(count).length + this.added.length + this.stale.length;
  }

  /** The k-th item the list shows, changes applied. */
  at(k: number, count: number): Record<string, Json> {
    const generated = this.visible(count);
    const after = k - generated.length;
    const item =
      after < 0
        ? this.itemAt(generated.index(k))
        : {
            ...((after < this.added.length ? this.added[after] : this.stale[after - this.added.length]) ??
              {}),
          };
    const id = this.idField ? item[this.idField] : undefined;
    const patch = id !== undefined ? this.patches.get(String(id)) : undefined;
    return patch ? { ...item, ...patch } : item;
  }

  /** The position of an item the list shows, by id. */
  find(id: string, count: number): number | undefined {
    if (this.removed.has(id)) return undefined;
    const added = this.added.findIndex((it) => this.idField !== undefined && String(it[this.idField]) === id);
    if (added >= 0) return this.visible(count).length + added;
    const k = this.indexOf(id, count);
    return k === undefined ? undefined : this.visible(count).position(k);
  }

  /** Items writes added (and did not remove). */
  get addedCount(): number {
    return this.added.length;
  }

  /** Whether a write added (attached) the item with this id, and it is still there. */
  hasAdded(id: string): boolean {
    return this.added.some((it) => this.idField !== undefined && String(it[this.idField]) === id);
  }

  add(item: Record<string, Json>): void {
    this.added.push({ ...item });
    // An attached item keeps its own id: no generated item of this list may take it.
    const id = this.idField ? item[this.idField] : undefined;
    if (id !== undefined && id !== null) this.given.add(String(id));
  }

  remove(id: string): boolean {
    const k = this.added.findIndex((it) => this.idField !== undefined && String(it[this.idField]) === id);
    if (k >= 0) {
      this.added.splice(k, 1);
      return true;
    }
    if (this.removed.has(id)) return false;
    this.removed.add(id);
    return true;
  }

  /** Removed for every read but the list, which still shows it as it was (a list that lags behind). */
  removeButList(id: string, count: number): void {
    const k = this.find(id, count);
    if (k === undefined) return;
    const item = this.at(k, count);
    this.remove(id);
    this.stale.push(item);
  }

  patch(id: string, fields: Record<string, Json>): void {
    this.patches.set(id, { ...(this.patches.get(id) ?? {}), ...fields });
  }

  /** A fresh id no item of this store has, drawn from the id field's schema. */
  newId(): string {
    const field = this.idField ?? 'id';
    for (let attempt = 0; ; attempt++) {
      const v = generate(
        this.idSchema,
        hashInt(this.seed, this.op.id, this.parentKey, 'new', this.minted, attempt),
        field,
      );
      let id: string | undefined = typeof v === 'string' ? v : String(v);
      // A small id space nearly full: its first unused value; none left is an error, never a repeat.
      if (!this.free(id) && attempt >= 100 && this.idSpace().values) {
        id = this.firstFree();
        if (id === undefined)
          throw new Error(`no ${field} left: all ${this.idSpace().size} values are taken`);
      }
      if (this.free(id)) {
        this.minted++;
        this.given.add(id);
        return id;
      }
    }
  }

  /**
   * The generated indices still shown: every one of the `count` until a generated item is removed
   * (then a list of them is built: a removal of a seeded item is rare, a seeded list of 100k common).
   */
  private visible(count: number): { length: number; index(k: number): number; position(k: number): number } {
    if (this.removed.size === 0) return { length: count, index: (k) => k, position: (k) => k };
    this.grow(count);
    const shown: number[] = [];
    for (let k = 0; k < count; k++) if (!this.removed.has(this.ids[k] as string)) shown.push(k);
    return { length: shown.length, index: (k) => shown[k] as number, position: (k) => shown.indexOf(k) };
  }

  private generateAt(k: number): Record<string, Json> {
    const drawn = generate(this.schema, hashInt(this.seed, this.op.id, this.parentKey, 'item', k), 'item');
    // An item the spec leaves untyped (`items: {}`) is an object all the same, as the spec's examples
    // show a list's items: one of no field, not a string spread into its characters.
    const item: Record<string, Json> = isRecord(drawn) ? (drawn as Record<string, Json>) : {};
    // Creation order: date fields grow with the index, so items list in a stable, plausible order.
    for (const [field, s] of Object.entries(this.schema.properties ?? {})) {
      if (isDateTimeFormat(s.format) && typeof item[field] === 'string')
        item[field] = dateIn(s.format, ISO_BASE + k * 61_000 + (hashInt(this.seed, field, k) % 3600) * 1000);
    }
    if (this.idField) item[this.idField] = idValue(this.schema, this.idField, this.idAt(k));
    for (const [field, value] of Object.entries(this.inherited)) item[field] = value;
    return item;
  }
}
