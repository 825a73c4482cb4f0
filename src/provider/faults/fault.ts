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
import type { Call, Handler } from '../call';
import type { Answer, ProviderResponse, Route } from '../http';
import type { Bends } from './bends';

export type { Bends, ListPage, PageBend, PageWindow, WriteBend } from './bends';

/** What a fault may remember between the requests of one provider. */
export interface FaultMemory {
  calls: number;
}

export interface Fault extends Bends {
  name: string;
  description: string;
  /** The rule expected to catch it. */
  caughtBy: string;
  /** Whether this read operation (with its instance schema) gives the fault something to break. */
  appliesTo(op: Operation, instance: JsonSchema): boolean;
  /** Whether this write gives it something to break. */
  appliesToWrite?(w: WriteOperation): boolean;
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
