// How a fault bends the reference provider from inside a handler: the items a read serves, the
// pagination step, and what a write does to the store. The handlers read these hooks (a fault's
// `wrap`, around the whole handling, is in fault.ts).

import type { JsonSchema } from '../../model/json-schema';
import type { Operation } from '../../model/operation';
import type { WriteOperation } from '../../model/writes';
import type { RequestViolation } from '../../schemas/request-check';

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

/** The hooks the handlers consult. */
export interface Bends {
  /** `written`: a write made or changed this item (a faithful variant leaves what a client set alone). */
  item?(item: Item, route: 'fetch' | 'list', instance: JsonSchema, op: Operation, written?: boolean): Item;
  pages?: PageBend;
  write?: WriteBend;
}
