// What a provider must refuse in a write's request body, in one place: the request schema (ajv), the
// values the sources list only in prose (`x-values`), and the rules read from prose (`x-rules`: a
// field required, or allowed, only for some value of a sibling). The reference provider refuses with
// it, the body generator is tested against it, and negative bodies are built from the same data.

import { isRecord } from '../json';
import type { JsonSchema } from '../model/json-schema';
import { conditionHolds, type ProseRule, rulesOf } from '../model/prose-rules';
import type { WriteOperation } from '../model/writes';
import type { Contract } from './contract';

export interface RequestViolation {
  /** JSON pointer of the offending field ('' for the body). */
  pointer: string;
  /** The schema keyword, or `x-values` / `x-rules`. */
  keyword: string;
  /** For people, naming the field: "embedding_model is required when type is 'Database'". */
  message: string;
  /** The sentence of the source a prose rule or value set was read from. */
  source?: string;
}

const name = (pointer: string): string => pointer.replace(/^\//, '').replace(/\//g, '.') || 'the body';

/** The listed values a string field must take, when its sources list some in prose. */
function valueViolations(schema: JsonSchema, value: unknown, pointer: string): RequestViolation[] {
  const listed = schema['x-values'];
  if (!Array.isArray(listed) || listed.length === 0 || typeof value !== 'string' || listed.includes(value))
    return [];
  return [
    {
      pointer,
      keyword: 'x-values',
      message: `${name(pointer)} must be one of ${listed.map((v) => `'${String(v)}'`).join(', ')}, got '${value}'`,
      ...(typeof schema.description === 'string' ? { source: schema.description } : {}),
    },
  ];
}

/** A prose rule broken by an object's values; its condition is judged only when the body states it. */
export function ruleBroken(rule: ProseRule, value: Record<string, unknown>): string | undefined {
  if (value[rule.when.field] === undefined) return undefined;
  const holds = conditionHolds(rule, value);
  const sent = value[rule.field] !== undefined;
  const when = `${rule.when.field} is ${rule.when.values.map((v) => `'${v}'`).join(' or ')}`;
  if (rule.kind === 'required-when' && holds && !sent) return `${rule.field} is required when ${when}`;
  if (rule.kind === 'only-when' && !holds && sent)
    return `${rule.field} is allowed only when ${when} (${rule.when.field} is '${String(value[rule.when.field])}')`;
  return undefined;
}

/** Values and prose rules, at every depth of the body. */
function proseViolations(schema: JsonSchema, value: unknown, pointer: string, depth = 0): RequestViolation[] {
  if (depth > 12) return [];
  const out = valueViolations(schema, value, pointer);
  if (Array.isArray(value) && schema.items) {
    const items = schema.items;
    value.forEach((v, k) => {
      out.push(...proseViolations(items, v, `${pointer}/${k}`, depth + 1));
    });
  }
  if (!isRecord(value)) return out;
  for (const rule of rulesOf(schema)) {
    const broken = ruleBroken(rule, value);
    if (broken)
      out.push({
        pointer: `${pointer}/${rule.field}`,
        keyword: 'x-rules',
        message: broken,
        source: rule.text,
      });
  }
  for (const [field, child] of Object.entries(schema.properties ?? {}))
    if (value[field] !== undefined)
      out.push(...proseViolations(child, value[field], `${pointer}/${field}`, depth + 1));
  return out;
}

/** Everything wrong with a write's request body, schema violations first. */
export function requestViolations(contract: Contract, w: WriteOperation, body: unknown): RequestViolation[] {
  if (!w.request) return [];
  const schema = contract.validateWrite(w, 'request', body).map((v) => ({
    pointer: v.pointer,
    keyword: v.keyword,
    message: `${name(v.pointer)}: ${v.message.replace(/ \([^)]*\)$/, '')}`,
  }));
  return [...schema, ...proseViolations(w.request, body, '')];
}
