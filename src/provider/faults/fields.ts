// What the fault catalogue asks of an operation's schemas: which field of an item a fault can break
// (the first date-time, boolean, prefixed id, bounded or required field), and small item edits.

import { type JsonSchema, schemaTypes } from '../../model/json-schema';
import type { Operation } from '../../model/operation';
import { isPaged } from '../../model/twilio-conventions';
import type { WriteOperation } from '../../model/writes';

type Item = Record<string, unknown>;
type FieldTest = (s: JsonSchema, name: string) => boolean;

export const isList = (op: Operation) => op.kind === 'list';
/** A list whose pages a PageSize sizes (a list served in one page has none to break). */
export const hasPageSize = (op: Operation) =>
  isPaged(op) && Object.values(op.schemas).some((s) => s?.query?.properties?.PageSize !== undefined);
export const always = () => true;
export const never = () => false;

/** The first field of the instance schema that satisfies `test`, in schema order. */
export function fieldWhere(instance: JsonSchema, test: FieldTest): string | undefined {
  return Object.entries(instance.properties ?? {}).find(([name, s]) => test(s, name))?.[0];
}

export const withField = (test: FieldTest) => (_op: Operation, instance: JsonSchema) =>
  fieldWhere(instance, test) !== undefined;

/** Changes the first field `test` picks, where the item has it. */
export const edit =
  (test: FieldTest, change: (value: unknown, s: JsonSchema) => unknown) =>
  (item: Item, _route: 'fetch' | 'list', instance: JsonSchema): Item => {
    const field = fieldWhere(instance, test);
    if (field === undefined || !Object.hasOwn(item, field)) return item;
    return { ...item, [field]: change(item[field], instance.properties?.[field] as JsonSchema) };
  };

/** Leaves out the field `pick` chooses from the instance schema. */
export const drop =
  (pick: (instance: JsonSchema) => string | undefined) =>
  (item: Item, _route: 'fetch' | 'list', instance: JsonSchema): Item => {
    const field = pick(instance);
    if (field === undefined) return item;
    const { [field]: _dropped, ...rest } = item;
    return rest;
  };

/** The first required field of the instance that `test` accepts: leaving out an optional one breaks nothing. */
const requiredWhere =
  (test: (s: JsonSchema) => boolean) =>
  (instance: JsonSchema): string | undefined =>
    instance.required?.find((r) => instance.properties?.[r] && test(instance.properties[r] as JsonSchema));

/** A pattern that fixes a literal prefix: ^AC[0-9a-fA-F]{32}$, ^aia_asst_.+$ … */
const PREFIXED = /^\^([A-Za-z][A-Za-z_]*)/;
export const prefixOf = (s: JsonSchema): string | undefined =>
  s.pattern ? PREFIXED.exec(s.pattern)?.[1] : undefined;
export const isPrefixedId = (s: JsonSchema) =>
  typeof s.pattern === 'string' && (prefixOf(s)?.length ?? 0) >= 2;
export const isDateTime = (s: JsonSchema) => s.format === 'date-time';
export const isBoolean = (s: JsonSchema) => schemaTypes(s).includes('boolean');
const isArray = (s: JsonSchema) => schemaTypes(s).includes('array');
export const requiredScalar = requiredWhere((s) => !isArray(s));
export const requiredArray = requiredWhere(isArray);
export const hasMaximum = (s: JsonSchema) => typeof s.maximum === 'number' || typeof s.maxLength === 'number';
/** Free text: a string with no pattern, format or value set. */
export const isFreeText = (s: JsonSchema) => schemaTypes(s).includes('string') && !s.pattern && !s.format;

/** Writes of these actions. */
export const action =
  (...actions: WriteOperation['action'][]) =>
  (w: WriteOperation) =>
    actions.includes(w.action);
