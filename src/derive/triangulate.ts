// Triangulation: the docs' property table, the docs' own examples and the OpenAPI spec, compared
// field by field and keyword by keyword. Nothing here names a field: every disagreement comes out
// of the same generic comparison.

import { itemsKeyProblem } from '../contract/envelope';
import { SchemaValidator } from '../contract/validator';
import type { Finding } from '../findings';
import { isRecord } from '../json';
import type { DocsPage } from './docs-page';
import { resourceOperations } from './docs-schemas';
import type { JsonSchema, JsonValue } from './json-schema';
import type { SchemaRole, SchemaSet } from './schema-set';

/** One value a docs example shows for a field of the resource. */
interface ExampleValue {
  line: number;
  value: JsonValue;
}

const COMPARED = [
  'type',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'enum',
] as const;

export interface TriangulationInput {
  page: DocsPage;
  docs: SchemaSet;
  spec?: SchemaSet;
  /** HTTP statuses the spec documents per path. */
  specStatuses?: Record<string, string[]>;
  specFile?: string;
}

export function triangulate(input: TriangulationInput): Finding[] {
  const { page, docs, spec } = input;
  const findings: Finding[] = [];
  const validator = new SchemaValidator(spec ? [docs, spec] : [docs]);
  const ops = resourceOperations(page.operations);
  const fetchOp = `GET ${docs.fetchPath}`;
  const listOp = `GET ${docs.listPath}`;

  // Every resource instance the examples show, with the field values it carries.
  const examples = new Map<string, ExampleValue[]>();
  const addInstance = (instance: JsonValue | undefined, line: number) => {
    if (!isRecord(instance)) return;
    for (const [field, value] of Object.entries(instance)) {
      examples.set(field, [...(examples.get(field) ?? []), { line, value }]);
    }
  };
  for (const ex of ops.fetch?.examples ?? []) addInstance(ex.value, ex.line);
  for (const ex of ops.list?.examples ?? []) {
    const items = isRecord(ex.value) ? ex.value[docs.itemsKey] : undefined;
    if (Array.isArray(items)) for (const item of items) addInstance(item, ex.line);
  }

  const table = docs.schemas.resource.properties ?? {};
  const specProps = spec?.schemas.resource.properties ?? {};
  const fields = [...new Set([...Object.keys(table), ...Object.keys(specProps), ...examples.keys()])];
  const where = (field: string) => ({
    ...(table[field] ? { 'docs table': at(table[field]) } : {}),
    ...(examples.has(field) ? { 'docs examples': lines(page.file, examples.get(field) ?? []) } : {}),
    ...(specProps[field] ? { 'openapi spec': at(specProps[field]) } : {}),
  });

  for (const field of fields) {
    const present = where(field);
    const absent = ['docs table', 'docs examples', 'openapi spec'].filter(
      (s) => !(s in present) && (s !== 'openapi spec' || spec),
    );
    if (absent.length) {
      findings.push({
        check: 'triangulation.field-presence',
        severity: 'warning',
        operation: fetchOp,
        pointer: `/${field}`,
        expected: Object.keys(present),
        actual: absent,
        message: `${docs.resource}.${field} is in the ${list(Object.keys(present))} but not in the ${list(absent)}`,
        sources: present,
      });
    }
    const a = table[field];
    const b = specProps[field];
    if (a && b)
      findings.push(
        ...compareKeywords(
          `${docs.resource}.${field}`,
          `/${field}`,
          fetchOp,
          a,
          b,
          examples.get(field),
          page.file,
        ),
      );
  }

  // Parameters: the docs tables against the spec's.
  const params: Array<[SchemaRole, string]> = [
    ['listQuery', listOp],
    ['fetchPath', fetchOp],
  ];
  for (const [role, operation] of params) {
    const d = docs.schemas[role]?.properties ?? {};
    const s = spec?.schemas[role]?.properties;
    if (!s) continue;
    for (const name of [...new Set([...Object.keys(d), ...Object.keys(s)])]) {
      const dp = d[name];
      const sp = s[name];
      if (!dp || !sp) {
        findings.push({
          check: 'triangulation.parameter-presence',
          severity: 'warning',
          operation,
          pointer: `/${name}`,
          message: `parameter ${name} of ${operation} is only in the ${dp ? 'docs table' : 'openapi spec'}`,
          sources: { ...(dp ? { 'docs table': at(dp) } : {}), ...(sp ? { 'openapi spec': at(sp) } : {}) },
        });
        continue;
      }
      findings.push(
        ...compareKeywords(`parameter ${name}`, `/${name}`, operation, dp, sp, undefined, page.file),
      );
      const dr = docs.schemas[role]?.required?.includes(name) ?? false;
      const sr = spec?.schemas[role]?.required?.includes(name) ?? false;
      if (dr !== sr) {
        findings.push({
          check: 'triangulation.required-differs',
          severity: 'warning',
          operation,
          pointer: `/${name}`,
          expected: { 'docs table': dr },
          actual: { 'openapi spec': sr },
          message: `parameter ${name} of ${operation} is ${dr ? 'required' : 'optional'} in the docs table, ${sr ? 'required' : 'optional'} in the openapi spec`,
        });
      }
    }
  }

  // Each example against its own page's schema and the spec's.
  const exampleRuns: Array<[JsonValue, number, SchemaRole, string]> = [
    ...(ops.fetch?.examples ?? []).map((e): [JsonValue, number, SchemaRole, string] => [
      e.value,
      e.line,
      'resource',
      fetchOp,
    ]),
    ...(ops.list?.examples ?? []).map((e): [JsonValue, number, SchemaRole, string] => [
      e.value,
      e.line,
      'list',
      listOp,
    ]),
  ];
  for (const [value, line, role, operation] of exampleRuns) {
    for (const set of spec ? [docs, spec] : [docs]) {
      if (!validator.has(set.origin, role)) continue;
      for (const v of validator.validate(set.origin, role, value)) {
        const own = set.origin === 'docs';
        findings.push({
          check: 'triangulation.example-fails-schema',
          severity: own ? 'error' : 'warning',
          operation,
          pointer: v.pointer,
          expected: v.expected,
          actual: v.actual,
          message: `docs example at ${page.file}:${line}: ${v.message} (${own ? "the page's own" : 'the openapi spec'} schema, ${v.schemaPath})`,
          sources: { 'docs example': `${page.file}:${line}` },
        });
      }
    }
    if (role === 'list') {
      const problem = itemsKeyProblem(value);
      if (problem) {
        findings.push({
          check: 'triangulation.items-key-unreadable',
          severity: 'error',
          operation,
          pointer: '/meta/key',
          expected: problem.expected,
          actual: problem.actual,
          message: `docs example at ${page.file}:${line}: meta.key is ${JSON.stringify(problem.actual)} but the items are in ${list(problem.expected.map((k) => JSON.stringify(k)))}; twilio-node reads payload[meta.key], so no client can read these items`,
          sources: { 'docs example': `${page.file}:${line}` },
        });
      }
    }
  }

  if (spec && docs.itemsKey !== spec.itemsKey) {
    findings.push({
      check: 'triangulation.items-key-differs',
      severity: 'warning',
      operation: listOp,
      expected: docs.itemsKey,
      actual: spec.itemsKey,
      message: `the list's items key is "${docs.itemsKey}" in the docs and "${spec.itemsKey}" in the openapi spec`,
    });
  }
  for (const [path, statuses] of Object.entries(input.specStatuses ?? {})) {
    if (!statuses.some((s) => /^[45]/.test(s))) {
      findings.push({
        check: 'triangulation.error-responses-undocumented',
        severity: 'info',
        operation: `GET ${path}`,
        actual: statuses,
        message: `the openapi spec documents only ${statuses.join(', ') || 'no'} responses for GET ${path}; error bodies follow Twilio's convention (twilio-error.schema.json)`,
      });
    }
  }
  return findings;
}

function compareKeywords(
  subject: string,
  pointer: string,
  operation: string,
  docs: JsonSchema,
  spec: JsonSchema,
  values: readonly ExampleValue[] | undefined,
  file: string,
): Finding[] {
  const out: Finding[] = [];
  for (const keyword of COMPARED) {
    const a = normalise(docs[keyword]);
    const b = normalise(spec[keyword]);
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    let message = `${subject}: ${keyword} is ${show(a)} in the docs table, ${show(b)} in the openapi spec`;
    const verdicts = keyword === 'pattern' ? patternVerdicts(a, b, values ?? [], file) : [];
    if (verdicts.length) message += `; ${verdicts.join('; ')}`;
    out.push({
      check: `triangulation.${keyword.toLowerCase()}-differs`,
      severity: 'warning',
      operation,
      pointer,
      expected: { [keyword]: a },
      actual: { [keyword]: b },
      message,
      sources: { 'docs table': at(docs), 'openapi spec': at(spec) },
    });
  }
  return out;
}

/** Which example values each side's pattern accepts or rejects. */
function patternVerdicts(
  docs: unknown,
  spec: unknown,
  values: readonly ExampleValue[],
  file: string,
): string[] {
  const test = (p: unknown, v: string) => (typeof p === 'string' ? new RegExp(p, 'u').test(v) : true);
  const seen = new Map<string, number>();
  for (const { value, line } of values)
    if (typeof value === 'string' && !seen.has(value)) seen.set(value, line);
  return [...seen].map(([value, line]) => {
    const d = test(docs, value) ? 'accepts' : 'rejects';
    const s = test(spec, value) ? 'accepts' : 'rejects';
    return `example ${JSON.stringify(value)} (${file}:${line}): docs ${d}, spec ${s}`;
  });
}

function normalise(value: unknown): unknown {
  return Array.isArray(value) ? [...value].map(String).sort() : value;
}

function show(value: unknown): string {
  return value === undefined ? 'absent' : JSON.stringify(value);
}

function at(schema: JsonSchema): string {
  const src = Array.isArray(schema['x-source']) ? schema['x-source'][0] : schema['x-source'];
  if (!src) return 'unknown';
  if (src.pointer) return `${src.file}#${src.pointer}`;
  return src.line ? `${src.file}:${src.line}` : `${src.file ?? src.source}`;
}

function lines(file: string, values: readonly ExampleValue[]): string {
  return `${file}:${[...new Set(values.map((v) => v.line))].join(',')}`;
}

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
