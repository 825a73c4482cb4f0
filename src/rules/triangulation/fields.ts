// Field by field, a docs page against the spec: which fields each documents (with the docs' examples
// as a third witness for what an operation answers), what each states about a field (type, format,
// pattern, bounds, values), and whether each requires it. For what an operation answers (a read's
// body, a write's answer) and for what a write takes (its request body) alike.

import type { Finding } from '../../finding';
import { isRecord, type JsonValue } from '../../json';
import { CONSTRAINT_KEYWORDS, type JsonSchema } from '../../model/json-schema';
import { at, list, make, show, type TriangulationRule } from './finding';
import { described, type Subject } from './subject';

/** The keywords the docs table and the spec are compared on (what a docs table can state). */
const COMPARED = CONSTRAINT_KEYWORDS.filter(
  (k) =>
    ![
      'const',
      'additionalProperties',
      'exclusiveMinimum',
      'exclusiveMaximum',
      'minItems',
      'maxItems',
    ].includes(k),
);

type Side = 'instance' | 'body';
/** How a field of each side is named in pointers and messages. */
const SIDES: ReadonlyArray<{ side: Side; prefix: string; noun: string }> = [
  { side: 'instance', prefix: '', noun: '' },
  { side: 'body', prefix: '/body', noun: 'request body field ' },
];

/** Each value the examples show for each instance field, with the line it is on. */
function exampleValues(s: Subject): Map<string, Array<{ at: string; value: JsonValue }>> {
  const out = new Map<string, Array<{ at: string; value: JsonValue }>>();
  for (const { at: where, value } of s.instances) {
    if (!isRecord(value)) continue;
    for (const [field, v] of Object.entries(value))
      out.set(field, [...(out.get(field) ?? []), { at: where, value: v as JsonValue }]);
  }
  return out;
}

type SideOf = (typeof SIDES)[number];

/** Each side (answer, request body) both sources describe, with the docs' and the spec's schema. */
function perSide(s: Subject, f: (docs: JsonSchema, spec: JsonSchema, side: SideOf) => Finding[]): Finding[] {
  if (!described(s)) return [];
  return SIDES.flatMap((side) => {
    const docs = s.parts.docs?.[side.side];
    const spec = s.parts.openapi?.[side.side];
    return docs && spec ? f(docs, spec, side) : [];
  });
}

export const fieldPresence: TriangulationRule = {
  name: 'triangulation.field-presence',
  kind: 'triangulation',
  asserts:
    'every field (of what an operation answers, and of a write’s request body) is in the docs table, the docs examples and the spec alike',
  needs: 'operations a docs page and the spec both describe',
  run: (s) =>
    perSide(s, (docs, spec, { side, prefix, noun }) => {
      const examples = side === 'instance' ? exampleValues(s) : new Map();
      const table = docs.properties ?? {};
      const stated = spec.properties ?? {};
      const fields = [...new Set([...Object.keys(table), ...Object.keys(stated), ...examples.keys()])];
      return fields.flatMap((field) => {
        const present: Record<string, string> = {
          ...(table[field] ? { 'docs table': at(table[field]) } : {}),
          ...(examples.has(field)
            ? {
                'docs examples': [...new Set(examples.get(field)?.map((e: { at: string }) => e.at))].join(
                  ', ',
                ),
              }
            : {}),
          ...(stated[field] ? { 'openapi spec': at(stated[field]) } : {}),
        };
        const absent = ['docs table', 'docs examples', 'openapi spec'].filter(
          (src) => !(src in present) && (src !== 'docs examples' || (side === 'instance' && s.exampled)),
        );
        if (!absent.length) return [];
        return [
          make(s, 'triangulation.field-presence', {
            severity: 'warning',
            source: Object.keys(present).join(' and '),
            pointer: `${prefix}/${field}`,
            expected: Object.keys(present),
            actual: absent,
            message: `${noun}${field} is in the ${list(Object.keys(present))} but not in the ${list(absent)}`,
            sources: present,
          }),
        ];
      });
    }),
};

export const constraintDiffers: TriangulationRule = {
  name: 'triangulation.constraint-differs',
  kind: 'triangulation',
  asserts:
    'the docs table and the spec state the same type, format, pattern, bounds and enum for each field, request body field and parameter',
  needs: 'operations a docs page and the spec both describe',
  run: (s) => {
    if (!described(s)) return [];
    const examples = exampleValues(s);
    const pairs: Array<[string, string, JsonSchema | undefined, JsonSchema | undefined]> = [];
    for (const { side, prefix, noun } of SIDES) {
      const docs = s.parts.docs?.[side]?.properties ?? {};
      const spec = s.parts.openapi?.[side]?.properties ?? {};
      for (const f of Object.keys(docs)) pairs.push([`${noun}${f}`, `${prefix}/${f}`, docs[f], spec[f]]);
    }
    for (const role of ['query', 'path'] as const) {
      const d = s.parts.docs?.[role]?.properties ?? {};
      const sp = s.parts.openapi?.[role]?.properties ?? {};
      for (const p of Object.keys(d)) pairs.push([`${role} parameter ${p}`, `/${role}/${p}`, d[p], sp[p]]);
    }
    return pairs.flatMap(([subject, pointer, a, b]) =>
      a && b
        ? keywordsDiffer(
            s,
            subject,
            pointer,
            a,
            b,
            pointer.startsWith('/body') ? [] : (examples.get(pointer.slice(1)) ?? []),
          )
        : [],
    );
  },
};

function keywordsDiffer(
  s: Subject,
  subject: string,
  pointer: string,
  a: JsonSchema,
  b: JsonSchema,
  values: ReadonlyArray<{ at: string; value: JsonValue }>,
): Finding[] {
  const out: Finding[] = [];
  for (const keyword of COMPARED) {
    const x = normalise(a[keyword]);
    const y = normalise(b[keyword]);
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    let message = `${subject}: ${keyword} is ${show(x)} in the docs table, ${show(y)} in the openapi spec`;
    if (keyword === 'pattern') {
      const verdicts = patternVerdicts(x, y, values);
      if (verdicts.length) message += `; ${verdicts.join('; ')}`;
    }
    out.push(
      make(s, 'triangulation.constraint-differs', {
        severity: 'warning',
        source: 'docs table and openapi spec',
        pointer,
        expected: { [keyword]: x },
        actual: { [keyword]: y },
        message,
        sources: { 'docs table': at(a), 'openapi spec': at(b) },
      }),
    );
  }
  return out;
}

export const requiredDiffers: TriangulationRule = {
  name: 'triangulation.required-differs',
  kind: 'triangulation',
  asserts:
    'the docs table and the spec agree on whether each field of what an operation answers, and of a write’s request body, is required',
  needs: 'operations a docs page and the spec both describe',
  run: (s) =>
    perSide(s, (docs, spec, { prefix, noun }) => {
      const both = Object.keys(docs.properties ?? {}).filter((f) => spec.properties?.[f] !== undefined);
      return both.flatMap((field) => {
        const d = docs.required?.includes(field) ?? false;
        const r = spec.required?.includes(field) ?? false;
        if (d === r) return [];
        const word = (req: boolean) => (req ? 'required' : 'optional');
        return [
          make(s, 'triangulation.required-differs', {
            severity: 'warning',
            source: 'docs table and openapi spec',
            pointer: `${prefix}/${field}`,
            expected: { 'docs table': word(d) },
            actual: { 'openapi spec': word(r) },
            message: `${noun}${field} is ${word(d)} in the docs table, ${word(r)} in the openapi spec`,
            sources: {
              'docs table': at(docs.properties?.[field] as JsonSchema),
              'openapi spec': at(spec.properties?.[field] as JsonSchema),
            },
          }),
        ];
      });
    }),
};

function patternVerdicts(
  docs: unknown,
  spec: unknown,
  values: ReadonlyArray<{ at: string; value: JsonValue }>,
): string[] {
  const test = (p: unknown, v: string) => {
    try {
      return typeof p === 'string' ? new RegExp(p, 'u').test(v) : true;
    } catch {
      return false;
    }
  };
  const seen = new Map<string, string>();
  for (const { value, at: where } of values)
    if (typeof value === 'string' && !seen.has(value)) seen.set(value, where);
  return [...seen].map(([value, where]) => {
    const d = test(docs, value) ? 'accepts' : 'rejects';
    const sp = test(spec, value) ? 'accepts' : 'rejects';
    return `example ${JSON.stringify(value)} (${where}): docs ${d}, spec ${sp}`;
  });
}

const normalise = (value: unknown): unknown => (Array.isArray(value) ? [...value].map(String).sort() : value);
