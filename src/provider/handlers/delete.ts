// A delete: the item its path names is gone from its fetch and its list.

import type { AcceptedWrite } from '../call';
import { type Answer, notFound } from '../http';
import { noContent, target } from './made';

export function deleteHandler(call: AcceptedWrite): Answer {
  const { store, write: w, values } = call;
  const bend = call.fault?.write;
  const list = store.op(w.effect.list);
  const id = target(w, values);
  if (!list || !store.op(w.effect.fetch) || store.find(list, values, id) === undefined)
    return notFound(w.path);
  const items = store.items(list, values);
  if (bend?.staysListed) items.removeButList(id, store.generated(list, values));
  else if (!bend?.noEffect) {
    items.remove(id);
    store.detachEverywhere(list, id);
  }
  return noContent(call);
}
