// A send (a message to an assistant): answers a reply of its own (nothing of it echoes what was
// sent), and makes what the reply names — the item the path or the body names, or a new one (a
// session) — with the exchange stored under it: what was sent, then the reply (a session's
// messages; what the message schema has no field for sits in its free-form object, `content`).

import type { WriteEffect } from '../../model/writes';
import { generate, hashInt } from '../../schemas/generate';
import type { AcceptedWrite } from '../call';
import { type Answer, answer, json } from '../http';
import type { Item } from '../store';
import { carried, fromRequest, newItem, success, target } from './made';

type Named = NonNullable<WriteEffect['names']>[number];

export function sendHandler(call: AcceptedWrite): Answer {
  const { store, write: w, values } = call;
  const reply: Item = w.response
    ? {
        ...(generate(
          w.response,
          hashInt(store.seed, 'sent', w.id, target(w, values), Date.now()),
          'reply',
        ) as Item),
        ...store.inherited(w.response, w.pathParams, values, undefined),
      }
    : {};
  for (const name of w.effect.names ?? []) {
    if (!store.op(name.list)) continue;
    if (call.fault?.write?.namesNothing) {
      reply[name.field] = `${store.seed}-unsaved-${Date.now()}`;
      continue;
    }
    const id = holder(call, name);
    reply[name.field] = id;
    converse(call, name, id, reply);
  }
  return answer(json(success(w), reply), 'write');
}

/** The item the reply names: the one the path names (a shake of this box), else the body, else a new one. */
function holder(call: AcceptedWrite, name: Named): string {
  const { store, write: w, values, body } = call;
  const list = store.op(name.list);
  if (!list) return '';
  const items = store.items(list, {});
  const sent = (body as Record<string, unknown> | undefined)?.[name.field];
  const inPath = w.pathParams.find((p) => p.from?.operation === list.id);
  const id = inPath
    ? (values[inPath.name] ?? '')
    : typeof sent === 'string' && sent !== ''
      ? sent
      : items.newId();
  if (store.find(list, {}, id) === undefined) {
    items.add(
      newItem(store, list, {}, fromRequest(store.instanceOf(list), body), id, {
        pathParams: w.pathParams,
        values,
      }),
    );
    store.madeNow(id);
  }
  return id;
}

/** The exchange stored under the item the reply names: what was sent, then the reply. */
function converse(call: AcceptedWrite, name: Named, id: string, reply: Item): void {
  const { store, write: w, values, body } = call;
  const children = store.op(name.children);
  const param = children?.pathParams.find((p) => p.from?.operation === name.list);
  if (!children || !param) return;
  const under = { [param.name]: id };
  const messages = store.items(children, under);
  const schema = store.instanceOf(children);
  const turns = call.fault?.write?.dropsReply ? [body] : [body, reply];
  for (const turn of turns) {
    const mid = messages.newId();
    messages.add(
      newItem(store, children, under, carried(schema, turn), mid, { pathParams: w.pathParams, values }),
    );
  }
}
