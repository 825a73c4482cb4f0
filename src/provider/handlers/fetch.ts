// The fetch of one item: the entry its list shows (plus what only the fetch documents), or, for a
// fetch no list pairs with, an item generated for its path; its processing state as of now.

import type { Operation } from '../../model/operation';
import { generate, hashInt } from '../../schemas/generate';
import type { Call, ReadCall } from '../call';
import { type Answer, answer, documented, notFound } from '../http';
import type { Item } from '../store';

/** What a GET of `op` at these path values answers now, bent as the fault on `op` bends items. */
export function fetched(
  call: Pick<Call, 'store' | 'faultFor'>,
  op: Operation,
  values: Record<string, string>,
): Answer {
  const { store } = call;
  const schema = store.instanceOf(op);
  let body: Item = {
    ...(generate(schema, hashInt(store.seed, op.id, store.parentKey(op, values)), 'item') as Item),
    ...store.inherited(schema, op.pathParams, values, op.idField),
    ...store.single(op, values),
  };
  const list = store.op(op.pairsWith);
  const last = op.pathParams.at(-1);
  // A fetch whose id no list supplies (its list's items name no id) serves the item at its path.
  if (list && last?.from) {
    // The fetch of a listed item: the list entry's fields, plus what only the fetch documents.
    const k = store.find(list, values, values[last.name] ?? '');
    if (k === undefined) return notFound(op.path);
    const entry = store.at(list, values, k);
    const fields = Object.keys(schema.properties ?? {});
    body = Object.fromEntries(fields.map((f) => [f, Object.hasOwn(entry, f) ? entry[f] : body[f]])) as Item;
  }
  return answer(documented(op, bendItem(call, op, store.processing(schema, body, values), 'fetch')), 'fetch');
}

export const fetchHandler = (call: ReadCall): Answer => fetched(call, call.op, call.values);

/** An item as the fault switched on for `op` serves it. */
export function bendItem(
  call: Pick<Call, 'store' | 'faultFor'>,
  op: Operation,
  item: Item,
  route: 'fetch' | 'list',
): Record<string, unknown> {
  const bend = call.faultFor(op)?.item;
  return bend ? bend(item, route, call.store.instanceOf(op), op, call.store.written(op, item)) : item;
}
