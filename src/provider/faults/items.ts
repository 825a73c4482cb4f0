// Faults in the items a read serves: a field left out, retyped, misspelt, out of bounds, or a fetch
// that disagrees with its list.

import { type JsonSchema, schemaTypes } from '../../model/json-schema';
import { identifyingField, type Operation, pathParamNames, successStatus } from '../../model/operation';
import { scopeFields } from '../../model/twilio-conventions';
import type { Fault } from './fault';
import {
  drop,
  edit,
  fieldWhere,
  hasMaximum,
  isBoolean,
  isDateTime,
  isPrefixedId,
  prefixOf,
  requiredArray,
  requiredScalar,
  withField,
} from './fields';

export const ITEM_FAULTS: readonly Fault[] = [
  {
    name: 'missing-field',
    description: 'items lose a field a source requires',
    caughtBy: 'response.fields-present',
    appliesTo: (_op, instance) => requiredScalar(instance) !== undefined,
    item: drop(requiredScalar),
  },
  {
    name: 'missing-array',
    description: 'items lose their first required array field (e.g. an item without the list it documents)',
    caughtBy: 'response.fields-present',
    appliesTo: (_op, instance) => requiredArray(instance) !== undefined,
    item: drop(requiredArray),
  },
  {
    name: 'wrong-type',
    description: 'a boolean field is serialised as the string "true"/"false"',
    caughtBy: 'response.schema',
    appliesTo: withField(isBoolean),
    item: edit(isBoolean, (v) => String(v)),
  },
  {
    name: 'wrong-id-prefix',
    description: 'a prefixed id or SID (AC…, aia_asst_…) comes with its prefix lower- or upper-cased wrongly',
    caughtBy: 'response.schema',
    appliesTo: withField(isPrefixedId),
    item: edit(isPrefixedId, (v, s) => {
      const prefix = prefixOf(s) ?? '';
      const swapped = prefix === prefix.toLowerCase() ? prefix.toUpperCase() : prefix.toLowerCase();
      return typeof v === 'string' ? swapped + v.slice(prefix.length) : v;
    }),
  },
  {
    name: 'non-iso-date',
    description: 'a date-time in RFC 2822 ("Mon, 01 Jan 2024 00:00:00 +0000") as the 2010 API does',
    caughtBy: 'response.schema',
    appliesTo: withField(isDateTime),
    item: edit(isDateTime, (v) =>
      typeof v === 'string' ? new Date(v).toUTCString().replace('GMT', '+0000') : v,
    ),
  },
  {
    name: 'above-maximum',
    description:
      'a bounded field goes past its maximum (a number one above, a string one character too long)',
    caughtBy: 'response.schema',
    appliesTo: withField(hasMaximum),
    item: edit(hasMaximum, (v, s) =>
      typeof s.maximum === 'number'
        ? s.maximum + 1
        : `${String(v)}${'x'.repeat(Math.max(1, (s.maxLength ?? 0) - String(v).length + 1))}`,
    ),
  },
  {
    name: 'fetch-list-mismatch',
    description: 'a fetched item shows another value than its list entry (stale cache)',
    caughtBy: 'fetch.matches-list',
    appliesTo: (op, instance) =>
      op.kind === 'instance' &&
      op.pairsWith !== undefined &&
      successStatus(op) < 300 &&
      instance.properties !== undefined,
    item: (item, route, instance) => {
      if (route !== 'fetch') return item;
      const field = fieldWhere(
        instance,
        (s, name) => schemaTypes(s).includes('string') && !s.pattern && !s.format && !s.enum && name in item,
      );
      return field ? { ...item, [field]: `${String(item[field])}_stale` } : item;
    },
  },
  {
    name: 'another-scope',
    description:
      "the field named after the path's identifier ({ServiceSid} → service_sid) names another one: a sibling's items leak into the list, a fetch answers another parent's",
    caughtBy: 'response.path-values',
    appliesTo: (op, instance) => scopeOf(op, instance).length > 0,
    item: (item, _route, instance, op) => {
      const [first] = scopeOf(op, instance);
      const v = first ? item[first.field] : undefined;
      return first && typeof v === 'string' ? { ...item, [first.field]: sibling(v) } : item;
    },
  },
];

/** The scope fields that state their identifier's form (a pattern): where response.path-values finds an error. */
const scopeOf = (op: Operation, instance: JsonSchema) =>
  scopeFields(pathParamNames(op.path), instance, identifyingField(op)).filter(
    ({ field }) => instance.properties?.[field]?.pattern !== undefined,
  );

/** Another identifier of the same form: its last letter or digit changed within its class (a hex SID stays hex). */
function sibling(v: string): string {
  const k = v.search(/[A-Za-z0-9][^A-Za-z0-9]*$/);
  if (k < 0) return `${v}0`;
  const c = v.charAt(k);
  const other = /\d/.test(c)
    ? String((Number(c) + 1) % 10)
    : c === c.toLowerCase()
      ? c === 'a'
        ? 'b'
        : 'a'
      : c === 'A'
        ? 'B'
        : 'A';
  return v.slice(0, k) + other + v.slice(k + 1);
}
