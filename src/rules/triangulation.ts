// Triangulation: for every operation a docs page and the spec both describe, the docs' property
// table, the docs' own examples and the spec, compared field by field and keyword by keyword. The
// examples are evidence, not a contract. Nothing here names a field or an operation.

import type { Finding } from '../finding';
import { isRecord } from '../json';
import { CONSTRAINT_KEYWORDS, type JsonSchema, type JsonValue } from '../model/json-schema';
import { instanceSchema, type Operation, type Origin, operationLabel } from '../model/operation';
import type { Contract } from '../schemas/contract';
import { schemaFile, schemaIdOf } from '../schemas/ids';
import { itemsKeyProblem } from './invariants';
import type { RuleInfo } from './rule';

export interface TriangulationRule extends RuleInfo {
  kind: 'triangulation';
  run(op: Operation, contract: Contract): Finding[];
}

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

const both = (op: Operation) => op.schemas.docs !== undefined && op.schemas.openapi !== undefined;

function make(
  op: Operation,
  rule: string,
  f: Omit<Finding, 'rule' | 'operation' | 'category' | 'target'> & Partial<Pick<Finding, 'category'>>,
): Finding {
  return { rule, operation: operationLabel(op), category: 'contract', target: 'sources', ...f };
}

/** Each value the examples show for each instance field, with the line it is on. */
function exampleValues(op: Operation): Map<string, Array<{ at: string; value: JsonValue }>> {
  const out = new Map<string, Array<{ at: string; value: JsonValue }>>();
  for (const ex of op.examples ?? []) {
    const value = ex.value;
    const instances =
      op.kind === 'list' && isRecord(value) && op.itemsKey && Array.isArray(value[op.itemsKey])
        ? (value[op.itemsKey] as JsonValue[])
        : op.kind === 'instance'
          ? [value]
          : [];
    for (const instance of instances) {
      if (!isRecord(instance)) continue;
      for (const [field, v] of Object.entries(instance))
        out.set(field, [...(out.get(field) ?? []), { at: `${ex.file}:${ex.line}`, value: v }]);
    }
  }
  return out;
}

export const fieldPresence: TriangulationRule = {
  name: 'triangulation.field-presence',
  kind: 'triangulation',
  asserts: 'every field is in the docs table, the docs examples and the spec alike',
  needs: 'operations a docs page and the spec both describe',
  run: (op) => {
    if (!both(op)) return [];
    const table = instanceSchema(op, 'docs')?.properties ?? {};
    const spec = instanceSchema(op, 'openapi')?.properties ?? {};
    const examples = exampleValues(op);
    const fields = [...new Set([...Object.keys(table), ...Object.keys(spec), ...examples.keys()])];
    return fields.flatMap((field) => {
      const present: Record<string, string> = {
        ...(table[field] ? { 'docs table': at(table[field]) } : {}),
        ...(examples.has(field)
          ? { 'docs examples': [...new Set(examples.get(field)?.map((e) => e.at))].join(', ') }
          : {}),
        ...(spec[field] ? { 'openapi spec': at(spec[field]) } : {}),
      };
      const absent = ['docs table', 'docs examples', 'openapi spec'].filter(
        (s) => !(s in present) && (s !== 'docs examples' || (op.examples?.length ?? 0) > 0),
      );
      if (!absent.length) return [];
      return [
        make(op, 'triangulation.field-presence', {
          severity: 'warning',
          source: Object.keys(present).join(' and '),
          pointer: `/${field}`,
          expected: Object.keys(present),
          actual: absent,
          message: `${field} is in the ${list(Object.keys(present))} but not in the ${list(absent)}`,
          sources: present,
        }),
      ];
    });
  },
};

export const constraintDiffers: TriangulationRule = {
  name: 'triangulation.constraint-differs',
  kind: 'triangulation',
  asserts:
    'the docs table and the spec state the same type, format, pattern, bounds and enum for each field and parameter',
  needs: 'operations a docs page and the spec both describe',
  run: (op) => {
    if (!both(op)) return [];
    const examples = exampleValues(op);
    const out: Finding[] = [];
    const pairs: Array<[string, string, JsonSchema | undefined, JsonSchema | undefined]> = [];
    const table = instanceSchema(op, 'docs')?.properties ?? {};
    const spec = instanceSchema(op, 'openapi')?.properties ?? {};
    for (const f of Object.keys(table)) pairs.push([f, `/${f}`, table[f], spec[f]]);
    for (const role of ['query', 'path'] as const) {
      const d = op.schemas.docs?.[role]?.properties ?? {};
      const s = op.schemas.openapi?.[role]?.properties ?? {};
      for (const p of Object.keys(d)) pairs.push([`${role} parameter ${p}`, `/${role}/${p}`, d[p], s[p]]);
    }
    for (const [subject, pointer, a, b] of pairs) {
      if (!a || !b) continue;
      for (const keyword of COMPARED) {
        const x = normalise(a[keyword]);
        const y = normalise(b[keyword]);
        if (JSON.stringify(x) === JSON.stringify(y)) continue;
        let message = `${subject}: ${keyword} is ${show(x)} in the docs table, ${show(y)} in the openapi spec`;
        if (keyword === 'pattern') {
          const field = pointer.split('/').at(-1) ?? '';
          const verdicts = patternVerdicts(x, y, examples.get(field) ?? []);
          if (verdicts.length) message += `; ${verdicts.join('; ')}`;
        }
        out.push(
          make(op, 'triangulation.constraint-differs', {
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
    }
    return out;
  },
};

export const parameterPresence: TriangulationRule = {
  name: 'triangulation.parameter-presence',
  kind: 'triangulation',
  asserts: 'the docs table and the spec document the same parameters, equally required',
  needs: 'operations a docs page and the spec both describe',
  run: (op) => {
    if (!both(op)) return [];
    const out: Finding[] = [];
    for (const role of ['query', 'path'] as const) {
      const d = op.schemas.docs?.[role];
      const s = op.schemas.openapi?.[role];
      if (!s) continue;
      const dp = d?.properties ?? {};
      const sp = s.properties ?? {};
      for (const name of [...new Set([...Object.keys(dp), ...Object.keys(sp)])]) {
        const a = dp[name];
        const b = sp[name];
        if (!a || !b) {
          out.push(
            make(op, 'triangulation.parameter-presence', {
              severity: 'warning',
              source: a ? 'docs table' : 'openapi spec',
              pointer: `/${role}/${name}`,
              message: `${role} parameter ${name} is only in the ${a ? 'docs table' : 'openapi spec'}`,
              sources: { ...(a ? { 'docs table': at(a) } : {}), ...(b ? { 'openapi spec': at(b) } : {}) },
            }),
          );
          continue;
        }
        const dr = d?.required?.includes(name) ?? false;
        const sr = s.required?.includes(name) ?? false;
        if (dr !== sr)
          out.push(
            make(op, 'triangulation.parameter-presence', {
              severity: 'warning',
              source: 'docs table and openapi spec',
              pointer: `/${role}/${name}`,
              expected: { 'docs table': dr },
              actual: { 'openapi spec': sr },
              message: `${role} parameter ${name} is ${dr ? 'required' : 'optional'} in the docs table, ${sr ? 'required' : 'optional'} in the openapi spec`,
            }),
          );
      }
    }
    return out;
  },
};

export const exampleFailsSchema: TriangulationRule = {
  name: 'triangulation.example-fails-schema',
  kind: 'triangulation',
  asserts: "each docs example validates against its own page's schema (error) and the spec's (warning)",
  needs: 'docs examples',
  run: (op, contract) => {
    const out: Finding[] = [];
    for (const ex of op.examples ?? []) {
      for (const origin of ['docs', 'openapi'] as Origin[]) {
        if (!op.schemas[origin]) continue;
        const own = origin === 'docs';
        for (const v of contract.validator.validate(
          schemaIdOf(schemaFile(origin, op, 'response')),
          ex.value,
        )) {
          out.push(
            make(op, 'triangulation.example-fails-schema', {
              severity: own ? 'error' : 'warning',
              source: 'docs example',
              pointer: v.pointer,
              expected: v.expected,
              actual: v.actual,
              message: `docs example at ${ex.file}:${ex.line}: ${v.message} (${own ? "the page's own" : 'the openapi spec'} schema)`,
              sources: { 'docs example': `${ex.file}:${ex.line}` },
            }),
          );
        }
      }
    }
    return out;
  },
};

export const itemsKeyUnreadable: TriangulationRule = {
  name: 'triangulation.items-key-unreadable',
  kind: 'triangulation',
  asserts: "a docs list example's meta.key names its items array (twilio-node reads payload[meta.key])",
  needs: 'docs list examples',
  run: (op) => {
    const out: Finding[] = [];
    for (const ex of op.examples ?? []) {
      const problem = op.kind === 'list' ? itemsKeyProblem(ex.value) : undefined;
      if (problem)
        out.push(
          make(op, 'triangulation.items-key-unreadable', {
            severity: 'error',
            source: 'docs example',
            pointer: '/meta/key',
            expected: problem.expected,
            actual: problem.actual,
            message: `docs example at ${ex.file}:${ex.line}: meta.key is ${JSON.stringify(problem.actual)} but the items are in ${list(problem.expected.map((k) => JSON.stringify(k)))}; twilio-node reads payload[meta.key], so no client can read these items`,
            sources: { 'docs example': `${ex.file}:${ex.line}` },
          }),
        );
    }
    return out;
  },
};

export const itemsKeyDiffers: TriangulationRule = {
  name: 'triangulation.items-key-differs',
  kind: 'triangulation',
  asserts: "the list's items key is the same in the docs and the spec",
  needs: 'list operations both describe',
  run: (op) => {
    if (!both(op) || op.kind !== 'list') return [];
    const keyOf = (s: JsonSchema | undefined) =>
      Object.entries(s?.properties ?? {}).find(([k, v]) => k !== 'meta' && v.type === 'array')?.[0];
    const d = keyOf(op.schemas.docs?.response);
    const s = keyOf(op.schemas.openapi?.response);
    if (d === s) return [];
    return [
      make(op, 'triangulation.items-key-differs', {
        severity: 'warning',
        source: 'docs example and openapi spec',
        expected: d,
        actual: s,
        message: `the list's items key is "${d}" in the docs and "${s}" in the openapi spec`,
      }),
    ];
  },
};

export const errorResponsesUndocumented: TriangulationRule = {
  name: 'triangulation.error-responses-undocumented',
  kind: 'triangulation',
  asserts: 'the spec documents error responses (else error bodies follow Twilio’s convention: info)',
  needs: "the spec's response statuses",
  run: (op) => {
    const statuses = op.schemas.openapi?.statuses;
    if (!statuses || statuses.some((s) => /^[45]/.test(s))) return [];
    return [
      make(op, 'triangulation.error-responses-undocumented', {
        severity: 'info',
        source: 'openapi spec',
        actual: statuses,
        message: `the openapi spec documents only ${statuses.join(', ') || 'no'} responses; error bodies follow Twilio's convention (twilio-error.schema.json)`,
      }),
    ];
  },
};

export const TRIANGULATION_RULES: readonly TriangulationRule[] = [
  fieldPresence,
  constraintDiffers,
  parameterPresence,
  exampleFailsSchema,
  itemsKeyUnreadable,
  itemsKeyDiffers,
  errorResponsesUndocumented,
];

export function triangulate(contract: Contract, only?: ReadonlySet<string>): Finding[] {
  return contract.operations.flatMap((op) =>
    TRIANGULATION_RULES.filter((r) => !only || only.has(r.name)).flatMap((r) => r.run(op, contract)),
  );
}

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
    const s = test(spec, value) ? 'accepts' : 'rejects';
    return `example ${JSON.stringify(value)} (${where}): docs ${d}, spec ${s}`;
  });
}

const normalise = (value: unknown): unknown => (Array.isArray(value) ? [...value].map(String).sort() : value);
const show = (value: unknown): string => (value === undefined ? 'absent' : JSON.stringify(value));

function at(schema: JsonSchema): string {
  const src = Array.isArray(schema['x-source']) ? schema['x-source'][0] : schema['x-source'];
  if (!src) return 'unknown';
  if (src.pointer) return `${src.file}#${src.pointer}`;
  return src.line ? `${src.file}:${src.line}` : `${src.file ?? src.source}`;
}

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
