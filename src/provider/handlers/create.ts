// A create: a new item in the list its path is, with what the body sent; items of other lists the
// body holds (a tool's policy) made with it; processing started when the item has lists to fill.

import type { Operation } from '../../model/operation';
import { echoField } from '../../model/twilio-conventions';
import type { AcceptedWrite } from '../call';
import { type Answer, answer, json, notFound, twilioError } from '../http';
import { fetched } from './fetch';
import { asWrite, fromRequest, newItem, success } from './made';

export function createHandler(call: AcceptedWrite): Answer {
  const { store, write: w, values, body } = call;
  const bend = call.fault?.write;
  const list = store.op(w.effect.list);
  if (!list) return notFound(w.path);
  const items = store.items(list, values);
  const named = sentId(call, list);
  if (named !== undefined && store.find(list, values, named) !== undefined)
    return answer(twilioError(409, 20409, `${list.idField} ${named} already exists`), 'write');
  const id = named ?? items.newId();
  const item = newItem(store, list, values, fromRequest(store.instanceOf(list), body), id);
  if (bend?.noEffect) return answer(json(success(w), item), 'write');
  items.add(item);
  alsoCreate(call);
  const processes = store.processedUnder(list).length > 0;
  store.madeNow(id, !processes ? 'none' : bend?.neverProcessed ? 'never' : 'timed');
  const fetch = store.op(w.effect.fetch);
  const last = fetch?.pathParams.at(-1)?.name;
  if (fetch && last) return asWrite(fetched(call, fetch, { ...values, [last]: id }), success(w));
  return answer(json(success(w), store.processing(store.instanceOf(list), item, {}, id)), 'write');
}

/** The id the body names for the new item (a Verify entity's `Identity`): the item is made under it. */
function sentId({ write: w, body }: AcceptedWrite, list: Operation): string | undefined {
  if (!list.idField || typeof body !== 'object' || body === null) return undefined;
  const field = Object.keys(w.request?.properties ?? {}).find(
    (f) => echoField(w.response, f) === list.idField,
  );
  const value = field === undefined ? undefined : (body as Record<string, unknown>)[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Items of other lists the body holds whole (a tool's policy): each made in its own list. */
function alsoCreate({ store, write: w, body }: AcceptedWrite): void {
  for (const also of w.effect.alsoCreates ?? []) {
    const other = store.op(also.list);
    const sent = (body as Record<string, unknown> | undefined)?.[also.field];
    if (!other || typeof sent !== 'object' || sent === null) continue;
    const into = store.items(other, {});
    const id = into.newId();
    into.add(newItem(store, other, {}, fromRequest(store.instanceOf(other), sent), id));
    store.madeNow(id);
  }
}
