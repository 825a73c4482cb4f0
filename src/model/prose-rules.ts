// Rules a source states only in prose, read into data. A request field's description may say when it
// is required or allowed ("It's required for 'Database' type but disallowed for other types", "only
// applicable to 'Database' type"); a request field the source leaves untyped (`{}`) takes the one type
// every response documents for a field of that name (a policy's `policy_details` is an object in every
// answer). What reads like a rule but is not understood is kept too, so a user sees what the suite
// did not take in. Nothing here names a field or a resource: the condition's field is the sibling
// whose listed values hold the quoted ones, or the sibling the sentence names.

import { type JsonSchema, schemaTypes } from './json-schema';

/** A rule about one field of an object, in terms of a sibling field's value. */
export interface ProseRule {
  /** required-when: the field must be sent when the condition holds; only-when: only then may it be sent. */
  kind: 'required-when' | 'only-when';
  field: string;
  when: { field: string; values: string[] };
  /** The sentence it was read from. */
  text: string;
}

/** A sentence that reads like a rule but was not understood. */
export interface UnreadProse {
  field: string;
  text: string;
}

const RULE_WORDS =
  /\b(required|must|only|disallowed|not allowed|forbidden|cannot|can't|mutually exclusive|at least|at most|no more than|unless|depends on)\b/i;
const REQUIRED_WHEN = /\brequired\s+(?:for|when|if|with)\b(.*)$/i;
const ONLY_WHEN =
  /\bonly\s+(?:be\s+)?(?:applicable|allowed|valid|used|usable|supported|relevant|permitted|set)?\s*(?:to|for|with|when|if)\b(.*)$/i;
const OTHERWISE_DISALLOWED =
  /\b(?:disallowed|not allowed|forbidden|not permitted|not supported|ignored)\s+(?:for|with|in)\s+(?:all\s+|any\s+)?other\b/i;

const quoted = (text: string): string[] =>
  [...text.matchAll(/'([^'\s][^']{0,40})'/g)].map((m) => m[1] as string);
const sentences = (text: string): string[] =>
  text
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The sibling the condition is about: the one listing every quoted value, else the one the clause names. */
function conditionField(
  siblings: Record<string, JsonSchema>,
  self: string,
  values: readonly string[],
  clause: string,
): string | undefined {
  const others = Object.entries(siblings).filter(([name]) => name !== self);
  const listing = others.filter(([, s]) => {
    const listed = (s['x-values'] as unknown[] | undefined) ?? s.enum ?? [];
    return values.length > 0 && values.every((v) => listed.includes(v));
  });
  if (listing.length === 1) return listing[0]?.[0];
  const named = others.filter(([name]) =>
    new RegExp(`\\b${name.replace(/_/g, '[ _]')}s?\\b`, 'i').test(clause),
  );
  return named.length === 1 ? named[0]?.[0] : undefined;
}

/** The rules and the unread rule-like sentences of one field's description. */
function readField(
  name: string,
  description: string,
  siblings: Record<string, JsonSchema>,
): { rules: ProseRule[]; unread: UnreadProse[] } {
  const rules: ProseRule[] = [];
  const unread: UnreadProse[] = [];
  for (const text of sentences(description)) {
    const found: ProseRule[] = [];
    const required = REQUIRED_WHEN.exec(text);
    const only = ONLY_WHEN.exec(text);
    const clause = required?.[1] ?? only?.[1] ?? '';
    const values = quoted(clause);
    const field = values.length ? conditionField(siblings, name, values, clause) : undefined;
    if (field) {
      const when = { field, values };
      if (required) found.push({ kind: 'required-when', field: name, when, text });
      if (only || (required && OTHERWISE_DISALLOWED.test(text)))
        found.push({ kind: 'only-when', field: name, when, text });
    }
    if (found.length) rules.push(...found);
    else if (RULE_WORDS.test(text)) unread.push({ field: name, text });
  }
  return { rules, unread };
}

/** Every property of every object in a schema, by name: the types documented for it. */
function documentedTypes(schemas: readonly JsonSchema[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const seen = new Set<JsonSchema>();
  const walk = (s: JsonSchema | undefined, depth: number) => {
    if (!s || depth > 12 || seen.has(s)) return;
    seen.add(s);
    for (const [name, child] of Object.entries(s.properties ?? {})) {
      const types = schemaTypes(child).filter((t) => t !== 'null');
      if (types.length === 1) out.set(name, new Set([...(out.get(name) ?? []), types[0] as string]));
      walk(child, depth + 1);
    }
    walk(s.items, depth + 1);
  };
  for (const s of schemas) walk(s, 0);
  return out;
}

/** A schema that says nothing of its value's shape. */
const untyped = (s: JsonSchema): boolean =>
  schemaTypes(s).length === 0 &&
  !s.properties &&
  !s.items &&
  !s.enum &&
  s.const === undefined &&
  !s.$ref &&
  !s.allOf;

/**
 * A request schema annotated with what its prose and the responses say: `x-rules` and `x-unread` on
 * each object, and `type` (marked `x-typed-by`) on a field the request leaves untyped where every
 * response documenting a field of that name gives it one type.
 */
export function withProseRules(request: JsonSchema, responses: readonly JsonSchema[]): JsonSchema {
  const types = documentedTypes(responses);
  const annotate = (s: JsonSchema, depth: number): JsonSchema => {
    if (depth > 12) return s;
    const out: JsonSchema = { ...s };
    if (s.items) out.items = annotate(s.items, depth + 1);
    if (!s.properties) return out;
    const props: Record<string, JsonSchema> = {};
    for (const [name, child] of Object.entries(s.properties)) {
      const documented = types.get(name);
      const typed =
        untyped(child) && documented?.size === 1
          ? { ...child, type: [...documented][0] as string, 'x-typed-by': 'responses' }
          : child;
      props[name] = annotate(typed, depth + 1);
    }
    out.properties = props;
    const rules: ProseRule[] = [];
    const unread: UnreadProse[] = [];
    for (const [name, child] of Object.entries(props)) {
      if (typeof child.description !== 'string') continue;
      const read = readField(name, child.description, props);
      rules.push(...read.rules);
      unread.push(...read.unread);
    }
    if (rules.length) out['x-rules'] = rules;
    if (unread.length) out['x-unread'] = unread;
    return out;
  };
  return annotate(request, 0);
}

/** The prose rules of an object schema (none when it states none). */
export const rulesOf = (s: JsonSchema | undefined): ProseRule[] =>
  (s?.['x-rules'] as ProseRule[] | undefined) ?? [];

/** Every object schema of a request, with its JSON pointer ('' for the body itself). */
export function objectsOf(
  s: JsonSchema | undefined,
  pointer = '',
): Array<{ pointer: string; schema: JsonSchema }> {
  if (!s) return [];
  const here = s.properties ? [{ pointer, schema: s }] : [];
  const below = Object.entries(s.properties ?? {}).flatMap(([name, child]) =>
    objectsOf(child, `${pointer}/${name}`),
  );
  return [...here, ...below, ...(s.items ? objectsOf(s.items, `${pointer}/*`) : [])];
}

/** Rule-like sentences of a request that the suite did not read into a rule, with where they are. */
export function unreadProse(s: JsonSchema | undefined): Array<UnreadProse & { pointer: string }> {
  return objectsOf(s).flatMap(({ pointer, schema }) =>
    ((schema['x-unread'] as UnreadProse[] | undefined) ?? []).map((u) => ({
      ...u,
      pointer: `${pointer}/${u.field}`,
    })),
  );
}

/** Whether a rule's condition holds for an object's values. */
export const conditionHolds = (rule: ProseRule, value: Record<string, unknown>): boolean =>
  typeof value[rule.when.field] === 'string' && rule.when.values.includes(value[rule.when.field] as string);
