// A list page: the shared pagination step over the items the store shows under this parent, each
// in its processing state as of now.

import { envelopeOf } from '../../model/twilio-conventions';
import type { ReadCall } from '../call';
import { type Answer, answer, documented, twilioError } from '../http';
import { inEnvelope, pageBody, pageWindow, readPageAsk } from '../pages';
import { bendItem } from './fetch';

export function listHandler(call: ReadCall): Answer {
  const { store, op, values, url } = call;
  const bend = call.fault?.pages;
  const scope = `${op.id}?${store.parentKey(op, values)}`;
  const asked = readPageAsk(op, url.searchParams, store.tokens, scope, bend);
  if ('response' in asked) return asked;
  const count = store.shown(op, values);
  // A list served in one page (no paging fields) shows every item at once.
  const ask =
    envelopeOf(op) === 'none' ? { ...asked, pageSize: Math.max(1, count), page: 0, offset: 0 } : asked;
  const w = bend?.window ? bend.window(pageWindow(ask, count)) : pageWindow(ask, count);
  if (w.status !== 200) return answer(twilioError(w.status, 20500, 'Internal Server Error'), 'list');
  const extra = w.end < count ? (bend?.extraItems ?? 0) : 0;
  const schema = store.instanceOf(op);
  const [shown, generated] = [store.items(op, values), store.generated(op, values)];
  const items = [];
  for (let i = w.offset; i < Math.min(count, w.end + extra); i++) {
    const item = shown.at(i, generated);
    const id = op.idField ? item[op.idField] : undefined;
    items.push(bendItem(call, op, store.processing(schema, item, {}, id), 'list'));
  }
  const key = op.itemsKey ?? 'items';
  const at = { base: call.base, path: url.pathname, key, scope, tokens: store.tokens };
  const page = pageBody(ask, w, at, items);
  // Twilio puts the items first, then meta (or API v2010's paging fields).
  return answer(documented(op, inEnvelope(op, bend?.page ? bend.page(page, key) : page, key, w)), 'list');
}
