// What a plan has read so far, and the one way it reads: each operation's observations (kept apart
// so the result is in model order whatever the scheduling), where each list was read and its first
// items, what could not be reached and why. The plan's later requests are built from it: the path
// values a list's items supply, the list entry a fetched item is compared with.

import { isRecord } from '../json';
import { ModelIndex } from '../model/model';
import type { Operation } from '../model/operation';
import { itemId } from '../rules/invariants';
import { type BodyRole, type Observation, parseBody } from '../rules/rule';
import type { WriteObservation as WriteCheck } from '../rules/writes/observation';
import type { Contract } from '../schemas/contract';
import type { RecordedRequest } from '../transport/cassette';
import type { HttpTransport } from '../transport/http';

export const UNKNOWN_ID = 'conformance-unknown-id';

export interface PlanOptions {
  /** Path values known in advance (e.g. TWILIO_SESSION_ID, or ids a cassette holds), by operation id. */
  pathHints?: (op: Operation) => Array<Record<string, string>>;
  /** Operations to run; every operation when absent. */
  operations?: readonly string[];
  /** How many requests may be in flight at once. */
  concurrency?: number;
  /**
   * A recorded target's exchanges (path with query, sent with credentials or not): each one that maps
   * to an operation is judged as traffic, whatever its query or id; one that maps to none is reported.
   */
  recorded?: ReadonlyArray<RecordedRequest>;
  /** Resolves when an operation's data is ready to be read (a run that writes: what processing fills). */
  ready?: (op: Operation) => Promise<void>;
}

/** Where each list was read: its path values and the first items of its default page. */
export interface ListState {
  values: Record<string, string>;
  /** At most KEPT_ITEMS: children are read under PARENT_PROBES of them, not under a page of millions. */
  items: unknown[];
}

const KEPT_ITEMS = 64;

/** Path values for an operation, and the list entry they came from. */
export interface Candidate {
  values: Record<string, string>;
  entry?: unknown;
}

export class PlanState {
  readonly index: ModelIndex;
  /** Each operation's observations, in the order they were made. */
  readonly byOp = new Map<Operation, Observation[]>();
  readonly lists = new Map<string, ListState>();
  /** Operations the plan could not reach, with why. */
  readonly unreached = new Map<string, string>();
  /** Recorded writes, replayed and judged as traffic. */
  readonly writes: WriteCheck[] = [];

  constructor(
    readonly transport: HttpTransport,
    readonly contract: Contract,
    readonly options: PlanOptions,
  ) {
    this.index = new ModelIndex(contract.model);
  }

  /** Whether the operation is reported (others are read only to reach a wanted one). */
  wanted(op: Operation): boolean {
    return !this.options.operations || this.options.operations.includes(op.id);
  }

  async observe(
    scenario: string,
    op: Operation,
    url: string,
    expect: { status: number; body: BodyRole },
    extra: Partial<Observation> = {},
    authenticate = true,
  ): Promise<Observation> {
    const exchange = await this.transport.get(url, { authenticate });
    const o: Observation = { scenario, op, expect, exchange, ...extra };
    parseBody(o);
    const list = this.byOp.get(op) ?? [];
    list.push(o);
    this.byOp.set(op, list);
    return o;
  }

  /** The first KEPT_ITEMS items of a list's page that answered 200. */
  itemsOf(op: Operation, o: Observation): unknown[] {
    const items = isRecord(o.json) && op.itemsKey ? o.json[op.itemsKey] : undefined;
    return o.exchange.response?.status === 200 && Array.isArray(items) ? items.slice(0, KEPT_ITEMS) : [];
  }

  /**
   * Candidate path values for an operation: from the list that supplies its last listed parameter
   * (the values no list supplies taken from hints that name only those), then hints naming them all.
   */
  candidates(op: Operation): Candidate[] {
    const out: Candidate[] = [];
    const hints = this.options.pathHints?.(op) ?? [];
    const complete = (v: Record<string, string>) => op.pathParams.every((p) => v[p.name] !== undefined);
    const partial: Record<string, string> = Object.assign({}, ...hints.filter((v) => !complete(v)));
    const last = op.pathParams.findLast((p) => p.from);
    const from = last?.from ? this.lists.get(last.from.operation) : undefined;
    if (last?.from && from) {
      for (const item of from.items) {
        const id = itemId(item, last.from.field);
        const values = { ...partial, ...from.values, [last.name]: id ?? '' };
        if (id === undefined || !complete(values)) continue;
        out.push(last === op.pathParams.at(-1) ? { values, entry: item } : { values });
      }
    }
    for (const values of hints) if (complete(values)) out.unshift({ values });
    return out;
  }

  /** The entry of the paired list, in any page the run read, whose id is `id`. */
  listedEntry(listId: string, id: string | undefined): unknown {
    const list = this.index.get(listId);
    if (!list?.idField || id === undefined) return undefined;
    for (const o of this.byOp.get(list) ?? [])
      for (const item of this.itemsOf(list, o)) if (itemId(item, list.idField) === id) return item;
    return undefined;
  }

  /** The observations of the wanted operations, in model order. */
  observations(): Observation[] {
    return this.contract.operations.filter((op) => this.wanted(op)).flatMap((op) => this.byOp.get(op) ?? []);
  }
}
