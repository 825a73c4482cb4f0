// An update: the item its path names takes the values the body sent, and its update timestamp
// moves on; the answer shows the item as its fetch does.

import { schemaTypes } from '../../model/json-schema';
import type { Operation } from '../../model/operation';
import { updatedFields, type WriteOperation } from '../../model/writes';
import { dateIn } from '../../schemas/generate';
import type { AcceptedWrite } from '../call';
import { type Answer, notFound } from '../http';
import type { Item } from '../store';
import { fetched } from './fetch';
import { asWrite, fromRequest, success, target } from './made';

/** The update timestamps moved to now; at least a second on, as Twilio's dates have whole seconds. */
function stamped(w: WriteOperation, before: Item): Item {
  const out: Item = {};
  for (const name of updatedFields(w)) {
    const was = Date.parse(String(before[name] ?? ''));
    const format = w.response?.properties?.[name]?.format;
    out[name] = dateIn(format, Number.isNaN(was) ? Date.now() : Math.max(Date.now(), was + 1000));
  }
  return out;
}

/** An update of an item no list shows (a service's configuration): what its fetch serves under the path changes. */
function updateSingle(call: AcceptedWrite, fetch: Operation): Answer {
  const { store, write: w, values, body } = call;
  const bend = call.fault?.write;
  const before = JSON.parse(fetched(call, fetch, values).response.body || '{}') as Item;
  if (!bend?.noEffect)
    store.patchSingle(fetch, values, {
      ...fromRequest(store.instanceOf(fetch), body),
      ...(bend?.keepsDates ? {} : stamped(w, before)),
    });
  return asWrite(fetched(call, fetch, values), success(w));
}

export function updateHandler(call: AcceptedWrite): Answer {
  const { store, write: w, values, body } = call;
  const bend = call.fault?.write;
  const list = store.op(w.effect.list);
  const fetch = store.op(w.effect.fetch);
  const id = target(w, values);
  if (fetch && !list && !fetch.pairsWith) return updateSingle(call, fetch);
  const k = list ? store.find(list, values, id) : undefined;
  if (!list || !fetch || k === undefined) return notFound(w.path);
  const schema = store.instanceOf(list);
  const before = store.at(list, values, k);
  const items = store.items(list, values);
  if (!bend?.noEffect)
    items.patch(id, { ...fromRequest(schema, body), ...(bend?.keepsDates ? {} : stamped(w, before)) });
  if (bend?.touchesOther) {
    // A fault: one free-text field the body did not send changes too.
    const sent = new Set(Object.keys((body as Record<string, unknown>) ?? {}));
    const other = Object.entries(schema.properties ?? {}).find(
      ([name, s]) =>
        !sent.has(name) &&
        name !== list.idField &&
        schemaTypes(s).includes('string') &&
        !s.format &&
        !s.pattern,
    )?.[0];
    if (other) items.patch(id, { [other]: `${String(before[other] ?? '')} (changed)` });
  }
  store.changedNow(id);
  return asWrite(fetched(call, fetch, values), success(w));
}
