// What a fault is: data that says which operations it can break and how. A fault bends one layer of
// the reference provider, each a named hook the provider consults:
//  - `item`: the items the read handlers serve (a field dropped, retyped, misspelt);
//  - `pages`: the pagination step (page sizes accepted, the window served, links, the envelope);
//  - `write`: what a write handler does to the store (nothing, too much, the wrong thing);
//  - `wrap`: the whole exchange of an operation, around its handler (its status, its headers, its
//    body, the socket itself; answering without the handler, or after it).
// It applies to every operation whose schema gives it something to break, or to one
// (`name@OperationId`).

import type { ServerResponse } from 'node:http';
import type { JsonSchema } from '../../model/json-schema';
import type { Operation } from '../../model/operation';
import type { WriteOperation } from '../../model/writes';
import type { RequestViolation } from '../../schemas/request-check';
import type { Call, Handler } from '../call';
import type { Answer, ProviderResponse, Route } from '../http';

type Item = Record<string, unknown>;

export interface ListPage {
  meta: Record<string, unknown>;
  [itemsKey: string]: unknown;
}

/** Which slice of the list a page serves and where its links point, before faults bend it. */
export interface PageWindow {
  count: number;
  pageSize: number;
  page: number;
  offset: number;
  end: number;
  /** Offset the next / previous link leads to; null for no link. */
  next: number | null;
  previous: number | null;
  /** Page index the next link carries. */
  nextPage: number;
  status: number;
}

/** How a fault bends the pagination step. */
export interface PageBend {
  page?(page: ListPage, itemsKey: string): ListPage;
  /** Items served beyond PageSize on every non-last page. */
  extraItems?: number;
  acceptsPageSize?(size: number, bounds: { min: number; max: number }): boolean;
  window?(w: PageWindow): PageWindow;
  /** Serves whatever offset a PageToken's payload names, signature or not. */
  acceptsTamperedTokens?: boolean;
}

/** How a fault bends what a write does to the store (the write handlers consult it). */
export interface WriteBend {
  /** Answers success but leaves the store as it was. */
  noEffect?: boolean;
  /** An update also changes a field it was not sent. */
  touchesOther?: boolean;
  /** An update leaves the item's update timestamp as it was. */
  keepsDates?: boolean;
  /** A made item never finishes processing: its status stays busy, its processed lists stay empty. */
  neverProcessed?: boolean;
  /** A send makes nothing it names. */
  namesNothing?: boolean;
  /** A send stores what was sent but not the reply it answers. */
  dropsReply?: boolean;
  /** A delete removes the item from its fetch but its list still shows it. */
  staysListed?: boolean;
  /** The request rules it does not enforce (a violation it lets through: a required field, a type, a listed value…). */
  accepts?(v: RequestViolation, w: WriteOperation): boolean;
}

/** What a fault may remember between the requests of one provider. */
export interface FaultMemory {
  calls: number;
}

export interface Fault {
  name: string;
  description: string;
  /** The rule expected to catch it. */
  caughtBy: string;
  /** Whether this read operation (with its instance schema) gives the fault something to break. */
  appliesTo(op: Operation, instance: JsonSchema): boolean;
  /** Whether this write gives it something to break. */
  appliesToWrite?(w: WriteOperation): boolean;
  /** `written`: a write made or changed this item (a faithful variant leaves what a client set alone). */
  item?(item: Item, route: 'fetch' | 'list', instance: JsonSchema, op: Operation, written?: boolean): Item;
  pages?: PageBend;
  write?: WriteBend;
  wrap?(handler: Handler, memory: FaultMemory): Handler;
}

/** A fault switched on, for every operation it applies to or for one (`name@OperationId`). */
export interface ActiveFault {
  fault: Fault;
  operation?: string;
}

/** A wrap that changes the answer the handler gave. */
export const answering =
  (change: (response: ProviderResponse, route: Route, call: Call) => ProviderResponse) =>
  (h: Handler): Handler =>
  (call) => {
    const a = h(call);
    return { ...a, response: change(a.response, a.route, call) };
  };

/** A wrap that answers a read's success (a list page, a fetch) on the socket itself: a reset, a body that never ends. */
export const takingOver =
  (take: (res: ServerResponse, response: ProviderResponse) => void) =>
  (h: Handler): Handler =>
  (call): Answer => {
    const a = h(call);
    return a.route === 'list' || a.route === 'fetch' ? { ...a, takeover: (res) => take(res, a.response) } : a;
  };
