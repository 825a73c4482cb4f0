// Faithful variants: ways a provider may differ that the contract allows. Each must pass every rule
// and the pacts; they are how the suite proves it raises no false alarm (dates with milliseconds or
// an offset are RFC 3339 date-times twilio-node parses).

import { type JsonSchema, schemaTypes } from '../../model/json-schema';
import { identifyingField } from '../../model/operation';
import type { Fault } from './fault';
import { isDateTime, withField } from './fields';

type Item = Record<string, unknown>;

const reformatDates =
  (format: (d: Date) => string) =>
  (item: Item, _route: 'fetch' | 'list', instance: JsonSchema): Item => {
    const out: Item = { ...item };
    for (const [field, schema] of Object.entries(instance.properties ?? {}))
      if (isDateTime(schema) && typeof out[field] === 'string')
        out[field] = format(new Date(out[field] as string));
    return out;
  };

export const VARIANTS: readonly Fault[] = [
  {
    name: 'omit-optional',
    description:
      'every property no source requires is left out of the seeded items, as Twilio leaves out what is unset (a File knowledge has no description); the identifier (or, without one, free text) stays, and so does what a write set',
    caughtBy: '',
    appliesTo: (_op, instance) =>
      Object.keys(instance.properties ?? {}).some((k) => !instance.required?.includes(k)),
    item: (item, _route, instance, op, written) => {
      if (written) return item;
      const id = identifyingField(op);
      // Items with no identifier are told apart by their content: free text (no pattern, no format) stays.
      const keep = (s: JsonSchema) =>
        id === undefined && schemaTypes(s).includes('string') && !s.pattern && !s.format;
      return Object.fromEntries(
        Object.entries(item).filter(([k]) => {
          const s = instance.properties?.[k];
          return !s || instance.required?.includes(k) || k === id || keep(s);
        }),
      );
    },
  },
  {
    name: 'dates-with-milliseconds',
    description: 'every date-time carries milliseconds (2025-03-03T10:15:00.818Z)',
    caughtBy: '',
    appliesTo: withField(isDateTime),
    item: reformatDates((d) => new Date(d.getTime() + 818).toISOString()),
  },
  {
    name: 'dates-with-offset',
    description: 'every date-time is written with a +00:00 offset instead of Z',
    caughtBy: '',
    appliesTo: withField(isDateTime),
    item: reformatDates((d) => d.toISOString().replace(/\.\d{3}Z$/, '+00:00')),
  },
];
