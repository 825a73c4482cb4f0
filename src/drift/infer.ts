// A schema of what traffic showed: per field, the types and formats seen, how often it was present,
// and some of its values (so patterns can be tested against them). Fields present in every
// observed object are "always", else "sometimes"; documented fields never seen are "never".

import { isRecord } from '../json';
import type { JsonSchema } from '../model/json-schema';
import { baseFormats, checkOf } from '../schemas/formats';

const FORMATS = ['date-time', 'uri', 'date', 'email', 'uuid'] as const;
const base = baseFormats();
const formatCheck = Object.fromEntries(FORMATS.map((f) => [f, checkOf(base[f])]));

export interface ObservedField {
  present: number;
  /** The field's place among its object's fields where first seen: where a renamed field shows up. */
  at?: number;
  types: string[];
  formats: string[];
  samples: string[];
}

export interface Observation {
  objects: number;
  fields: Record<string, ObservedField>;
}

const typeOf = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'array'
      : Number.isInteger(v)
        ? 'integer'
        : typeof v === 'number'
          ? 'number'
          : typeof v;

/** Objects observed one at a time: what is kept is per field, never the objects themselves. */
export class Observer {
  private readonly out: Observation = {
    objects: 0,
    fields: Object.create(null) as Record<string, ObservedField>,
  };
  private readonly formatMisses = new Map<string, Set<string>>();
  constructor(private readonly maxSamples = 20) {}

  add(obj: Record<string, unknown>): void {
    this.out.objects++;
    for (const [k, [name, value]] of Object.entries(obj).entries()) {
      const field = this.out.fields[name] ?? { present: 0, at: k, types: [], formats: [], samples: [] };
      this.out.fields[name] = field;
      field.present++;
      const t = typeOf(value);
      if (!field.types.includes(t)) field.types.push(t);
      if (typeof value === 'string') {
        if (field.samples.length < this.maxSamples && !field.samples.includes(value))
          field.samples.push(value);
        const misses = this.formatMisses.get(name) ?? new Set<string>();
        for (const f of FORMATS) if (!misses.has(f) && !formatCheck[f]?.(value)) misses.add(f);
        this.formatMisses.set(name, misses);
      }
    }
  }

  result(): Observation {
    const fields: Record<string, ObservedField> = Object.create(null);
    for (const [name, field] of Object.entries(this.out.fields)) {
      const misses = this.formatMisses.get(name);
      // A format is "seen" when every string value had it.
      fields[name] = {
        ...field,
        formats: misses ? FORMATS.filter((f) => !misses.has(f)) : [],
        types: [...field.types].sort(),
      };
    }
    return { objects: this.out.objects, fields };
  }
}

export function observe(objects: Iterable<Record<string, unknown>>, maxSamples = 20): Observation {
  const observer = new Observer(maxSamples);
  for (const obj of objects) observer.add(obj);
  return observer.result();
}

export function observedSchema(o: Observation): JsonSchema {
  const properties: Record<string, JsonSchema> = Object.create(null);
  for (const [name, f] of Object.entries(o.fields)) {
    const type =
      f.types.includes('integer') && f.types.includes('number')
        ? f.types.filter((t) => t !== 'integer')
        : f.types;
    properties[name] = {
      type: type.length === 1 ? (type[0] as string) : type,
      ...(f.formats[0] ? { format: f.formats[0] } : {}),
      'x-observed': {
        present: f.present,
        of: o.objects,
        ...(f.at !== undefined ? { at: f.at } : {}),
        samples: f.samples,
      },
    };
  }
  const required = Object.entries(o.fields)
    .filter(([, f]) => f.present === o.objects)
    .map(([n]) => n);
  return {
    type: 'object',
    properties,
    ...(required.length ? { required } : {}),
    'x-observed': { objects: o.objects },
  };
}

export interface ObservedOperation {
  operation: string;
  path: string;
  itemsKey?: string;
  objects: number;
  instance: JsonSchema;
  meta?: JsonSchema;
  statuses: string[];
}

interface Raw {
  operation: string;
  path: string;
  itemsKey?: string;
  instances: Observer;
  metas: Observer;
  statuses: Set<string>;
}

export interface ObservedExchange {
  operation: string;
  path: string;
  itemsKey?: string;
  kind: 'list' | 'instance';
  status?: number;
  /** The status of the answer the spec documents for success (a redirect's 302, 307), when not 200. */
  success?: number;
  json?: unknown;
}

/** Exchanges taken one at a time, grouped by operation: what is kept is per field, never a body. */
export class ExchangeObserver {
  private readonly by = new Map<string, Raw>();

  add(e: ObservedExchange): void {
    if (e.status === undefined) return;
    const raw = this.by.get(e.operation) ?? {
      operation: e.operation,
      path: e.path,
      ...(e.itemsKey ? { itemsKey: e.itemsKey } : {}),
      instances: new Observer(),
      metas: new Observer(),
      statuses: new Set<string>(),
    };
    this.by.set(e.operation, raw);
    raw.statuses.add(String(e.status));
    if (e.status !== (e.success ?? 200)) return;
    // Read once: a large body's value is parsed on demand (rules/rule.ts), and is not kept here.
    const json = e.json;
    if (!isRecord(json)) return;
    if (e.kind === 'instance') raw.instances.add(json);
    else {
      if (isRecord(json.meta)) raw.metas.add(json.meta);
      const items = e.itemsKey ? json[e.itemsKey] : undefined;
      if (Array.isArray(items)) for (const it of items) if (isRecord(it)) raw.instances.add(it);
    }
  }

  result(): ObservedOperation[] {
    return [...this.by.values()].map((r) => {
      const seen = r.instances.result();
      const metas = r.metas.result();
      return {
        operation: r.operation,
        path: r.path,
        ...(r.itemsKey ? { itemsKey: r.itemsKey } : {}),
        objects: seen.objects,
        instance: observedSchema(seen),
        ...(metas.objects ? { meta: observedSchema(metas) } : {}),
        statuses: [...r.statuses].sort(),
      };
    });
  }
}

/** Every exchange of a run (or a recording) grouped by operation, each as inferred schemas. */
export function observeExchanges(exchanges: Iterable<ObservedExchange>): ObservedOperation[] {
  const observer = new ExchangeObserver();
  for (const e of exchanges) observer.add(e);
  return observer.result();
}
