// A send (a message to an assistant): answers a reply of its own (nothing of it echoes what was
// sent), and makes what the reply names — the item the path or the body names, or a new one (a
// session) — with the exchange stored under it: what was sent, then the reply (a session's
// messages; a turn's free text sits in the message's free-form object, `content`: {text}).

import { type JsonSchema, schemaTypes } from '../../model/json-schema';
import type { WriteEffect, WriteOperation } from '../../model/writes';
import { generate, hashInt } from '../../schemas/generate';
import type { AcceptedWrite } from '../call';
import { type Answer, answer, json } from '../http';
import type { Item } from '../store';
import { fromRequest, newItem, success, target } from './made';

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
  const turns: Array<[Item, unknown]> = [
    [fromRequest(schema, body), body],
    [fromRequest(schema, reply), reply],
  ];
  for (const [fields, said] of call.fault?.write?.dropsReply ? turns.slice(0, 1) : turns) {
    const item = newItem(store, children, under, fields, messages.newId(), {
      pathParams: w.pathParams,
      values,
    });
    holdText(schema, item, turnText(w, said, schema));
    messages.add(item);
  }
}

/**
 * The free text of one turn of an exchange — what was sent, or the reply (the answer's field of the
 * same name) — that the nested item has no field of its own for.
 */
function turnText(w: WriteOperation, from: unknown, child: JsonSchema): string | undefined {
  if (typeof from !== 'object' || from === null) return undefined;
  const names = new Set((w.effect.names ?? []).map((n) => n.field));
  for (const [field, s] of Object.entries(w.request?.properties ?? {})) {
    const v = (from as Record<string, unknown>)[field];
    const free = s.type === 'string' && !s.pattern && !s.format && !s['x-values'];
    if (free && !names.has(field) && !child.properties?.[field] && typeof v === 'string' && v.length > 0)
      return v;
  }
  return undefined;
}

/** A nested item holds a turn's text where its schema keeps content: an object documented without fields. */
function holdText(schema: JsonSchema, item: Item, text: string | undefined): void {
  if (text === undefined) return;
  const field = Object.entries(schema.properties ?? {}).find(
    ([, s]) => schemaTypes(s).includes('object') && !s.properties,
  )?.[0];
  if (field) item[field] = { text };
}
