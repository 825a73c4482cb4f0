// What the write handlers share: a new item built from its schema, what the request sent and its
// context; the values a body gives an item's fields; the item a write's path names; and answers.

import { type JsonSchema, schemaTypes } from '../../model/json-schema';
import type { Operation, PathParam } from '../../model/operation';
import { echoField } from '../../model/twilio-conventions';
import type { WriteOperation } from '../../model/writes';
import { dateIn, generate, hashInt, isDateTimeFormat, type Json } from '../../schemas/generate';
import type { AcceptedWrite } from '../call';
import { type Answer, answer } from '../http';
import { idValue } from '../item-store';
import type { Item, Store } from '../store';

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** The values `source` gives the item's fields: those the schema has, where the type fits. */
export function fromRequest(schema: JsonSchema, source: unknown): Item {
  const out: Item = {};
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return out;
  for (const [name, value] of Object.entries(source as Record<string, Json>)) {
    // A form's `FriendlyName` is the answer's `friendly_name`.
    const field = echoField(schema, name);
    const s = field === undefined ? undefined : schema.properties?.[field];
    if (!s || field === undefined) continue;
    const types = schemaTypes(s);
    const t = typeOf(value);
    if (!(types.length === 0 || types.includes(t) || (t === 'number' && types.includes('integer')))) continue;
    // A value the answer lists in another case (a form's `GET`, the answer's `get`) is shown as listed.
    const listed = s.enum?.find(
      (e) => typeof e === 'string' && e.toLowerCase() === String(value).toLowerCase(),
    );
    if (!s.enum || s.enum.includes(value)) out[field] = value;
    else if (listed !== undefined) out[field] = listed as Json;
  }
  return out;
}

export interface Context {
  pathParams: readonly PathParam[];
  values: Record<string, string>;
}

/** A new item for a list: generated from its schema, then what `source` gives it, its context and fresh dates. */
export function newItem(
  store: Store,
  list: Operation,
  under: Record<string, string>,
  fields: Item,
  id: string,
  also?: Context,
): Item {
  const schema = store.instanceOf(list);
  const item = generate(schema, hashInt(store.seed, 'created', list.id, id), 'item') as Item;
  for (const [name, s] of Object.entries(schema.properties ?? {}))
    if (isDateTimeFormat(s.format)) item[name] = dateIn(s.format, Date.now());
  Object.assign(
    item,
    fields,
    store.inherited(schema, list.pathParams, under, list.idField),
    also ? store.inherited(schema, also.pathParams, also.values, list.idField) : {},
  );
  if (list.idField) item[list.idField] = idValue(schema, list.idField, id);
  return item;
}

/** The value of the write's last path parameter: the item it acts on. */
export const target = (w: WriteOperation, values: Record<string, string>): string =>
  values[w.pathParams.at(-1)?.name ?? ''] ?? '';

/** The write's first documented success status. */
export const success = (w: WriteOperation): number => w.success[0] ?? 200;

export const noContent = (call: AcceptedWrite): Answer =>
  answer({ status: success(call.write), headers: {}, body: '' }, 'write');

/** A write's answer that shows the item as its fetch would. */
export const asWrite = (a: Answer, status: number): Answer => ({
  ...a,
  response: { ...a.response, status },
  route: 'write',
});
