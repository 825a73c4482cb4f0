// Attach and detach: an item of a top-level list (a tool) shown, or no longer shown, by the nested
// list of the item the path names first (an assistant's tools).

import type { AcceptedWrite } from '../call';
import { type Answer, notFound } from '../http';
import { noContent, target } from './made';

export function attachHandler(call: AcceptedWrite): Answer {
  const { store, write: w, values } = call;
  const nested = store.op(w.effect.list);
  const source = store.op(w.effect.item);
  if (!nested || !source) return notFound(w.path);
  const id = target(w, values);
  const k = store.find(source, values, id);
  if (k === undefined) return notFound(w.path);
  const attached = store.find(nested, values, id) !== undefined;
  if (!attached && !call.fault?.write?.noEffect) store.items(nested, values).add(store.at(source, values, k));
  return noContent(call);
}

export function detachHandler(call: AcceptedWrite): Answer {
  const { store, write: w, values } = call;
  const nested = store.op(w.effect.list);
  const id = target(w, values);
  if (!nested || !store.op(w.effect.item) || store.find(nested, values, id) === undefined)
    return notFound(w.path);
  store.items(nested, values).remove(id);
  return noContent(call);
}
