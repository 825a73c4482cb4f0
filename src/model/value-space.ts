// How many distinct values a field can take, from what its schema states: a listed set (enum,
// const), an integer's bounds, a string's pattern (or the pattern of its format: a two-letter ISO
// country code has 676 values) within its length bounds. A list whose items are identified by such a
// field can never hold more items than that: the reference provider makes no more, and a property
// that resizes a list never asks for more. Infinite (no bound) when the schema states none, or says
// it in a way this reader does not take apart (a lookahead, a negated class): no bound is assumed
// that the schema does not state.

import type { JsonSchema } from './json-schema';
import { schemaTypes } from './json-schema';
import { instanceSchema, type Operation, ORIGINS } from './operation';

/** Formats of a fixed shape, as patterns: what the validator checks them against (src/schemas/formats.ts). */
export const FORMAT_PATTERNS: Readonly<Record<string, string>> = {
  // ISO 3166-1 alpha-2.
  'iso-country-code': '^[A-Z]{2}$',
  // ISO 4217; Twilio answers "USD" and "usd".
  currency: '^[A-Za-z]{3}$',
};

/** Spaces above this are as good as infinite here (no list is resized past a few thousand items). */
const LARGE = 1e12;
/** Spaces up to this size can be listed value by value (to find an unused one). */
export const LISTABLE = 100_000;

type Node =
  | { k: 'set'; chars: string[] }
  | { k: 'seq'; items: Node[] }
  | { k: 'alt'; items: Node[] }
  | { k: 'rep'; node: Node; min: number; max: number };

class Unreadable extends Error {}

/** The characters of a class body (`A-Za-z0-9_`), or Unreadable for what is not a plain set. */
function classChars(body: string): string[] {
  if (body.startsWith('^')) throw new Unreadable('negated class');
  const out = new Set<string>();
  for (let i = 0; i < body.length; i++) {
    let c = body[i] as string;
    if (c === '\\') {
      const e = body[++i] ?? '';
      const named = ESCAPES[e];
      if (named) {
        for (const x of named) out.add(x);
        continue;
      }
      if (/[a-zA-Z0-9]/.test(e)) throw new Unreadable(`\\${e}`);
      c = e;
    }
    if (body[i + 1] === '-' && i + 2 < body.length) {
      const to = body[i + 2] as string;
      if (to === '\\') throw new Unreadable('escaped range end');
      for (let x = c.charCodeAt(0); x <= to.charCodeAt(0); x++) out.add(String.fromCharCode(x));
      i += 2;
    } else out.add(c);
  }
  return [...out];
}

const range = (from: string, to: string): string[] =>
  Array.from({ length: to.charCodeAt(0) - from.charCodeAt(0) + 1 }, (_, k) =>
    String.fromCharCode(from.charCodeAt(0) + k),
  );
const DIGITS = range('0', '9');
const WORD = [...range('A', 'Z'), ...range('a', 'z'), ...DIGITS, '_'];
const ESCAPES: Record<string, string[]> = { d: DIGITS, w: WORD };
/** `.` as the generator reads it (src/schemas/generate.ts): a letter or a digit. */
const DOT = [...range('a', 'z'), ...DIGITS];

/** A recursive-descent reader of a pattern's body (what lies between `^` and `$`). */
class Reader {
  private i = 0;
  constructor(private readonly text: string) {}

  read(): Node {
    const tree = this.alt();
    if (this.i !== this.text.length) throw new Unreadable('unbalanced');
    return tree;
  }

  private peek(): string | undefined {
    return this.text[this.i];
  }

  private alt(): Node {
    const items = [this.seq()];
    while (this.peek() === '|') {
      this.i++;
      items.push(this.seq());
    }
    return items.length === 1 ? (items[0] as Node) : { k: 'alt', items };
  }

  private seq(): Node {
    const items: Node[] = [];
    while (this.i < this.text.length && this.peek() !== '|' && this.peek() !== ')')
      items.push(this.quantified(this.atom()));
    return { k: 'seq', items };
  }

  private atom(): Node {
    const c = this.text[this.i++] as string;
    if (c === '(') {
      if (this.peek() === '?') {
        if (this.text[this.i + 1] !== ':') throw new Unreadable('lookaround');
        this.i += 2;
      }
      const inner = this.alt();
      if (this.text[this.i++] !== ')') throw new Unreadable('unclosed group');
      return inner;
    }
    if (c === '[') {
      const end = this.text.indexOf(']', this.i + 1);
      if (end < 0) throw new Unreadable('unclosed class');
      const body = this.text.slice(this.i, end);
      this.i = end + 1;
      return { k: 'set', chars: classChars(body) };
    }
    if (c === '.') return { k: 'set', chars: DOT };
    if (c === '\\') {
      const e = this.text[this.i++] ?? '';
      const named = ESCAPES[e];
      if (named) return { k: 'set', chars: named };
      if (/[a-zA-Z0-9]/.test(e)) throw new Unreadable(`\\${e}`);
      return { k: 'set', chars: [e] };
    }
    if ('^$*+?{'.includes(c)) throw new Unreadable(`${c} inside`);
    return { k: 'set', chars: [c] };
  }

  private quantified(node: Node): Node {
    const q = this.peek();
    let out = node;
    if (q === '?' || q === '*' || q === '+') {
      this.i++;
      out = { k: 'rep', node, min: q === '+' ? 1 : 0, max: q === '?' ? 1 : Number.POSITIVE_INFINITY };
    } else if (q === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.text.slice(this.i));
      if (!m) throw new Unreadable('bad quantifier');
      this.i += m[0].length;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] ? Number(m[3]) : Number.POSITIVE_INFINITY;
      out = { k: 'rep', node, min, max };
    }
    if (this.peek() === '?') this.i++; // lazy: the same strings
    return out;
  }
}

/**
 * A pattern taken apart; Unreadable unless it is anchored at both ends. One anchored at neither end
 * and with no alternation is read as anchored, as the generator draws from it (src/schemas/generate.ts).
 */
function parse(pattern: string): Node {
  const whole =
    pattern.startsWith('^') || pattern.endsWith('$') || /(^|[^\\])\|/.test(pattern)
      ? pattern
      : `^${pattern}$`;
  if (!whole.startsWith('^') || !/(^|[^\\])\$$/.test(whole)) throw new Unreadable('not anchored');
  const tree = new Reader(whole.slice(1, -1)).read();
  // `^a|b$` anchors only its first and last branch.
  if (tree.k === 'alt') throw new Unreadable('unanchored alternation');
  return tree;
}

/** The longest string a node matches (Infinity when unbounded). */
function longest(n: Node): number {
  switch (n.k) {
    case 'set':
      return 1;
    case 'seq':
      return n.items.reduce((s, x) => s + longest(x), 0);
    case 'alt':
      return Math.max(...n.items.map(longest));
    case 'rep':
      return n.max === 0 ? 0 : longest(n.node) * n.max;
  }
}

const capped = (v: number): number => (v > LARGE ? Number.POSITIVE_INFINITY : v);

/** How many strings of each length up to `top` a node matches (an upper bound where branches overlap). */
function byLength(n: Node, top: number): number[] {
  const zero = () => new Array<number>(top + 1).fill(0);
  const times = (a: number[], b: number[]) => {
    const out = zero();
    for (let x = 0; x <= top; x++)
      if (a[x])
        for (let y = 0; x + y <= top; y++)
          if (b[y]) out[x + y] = capped((out[x + y] ?? 0) + (a[x] as number) * (b[y] as number));
    return out;
  };
  switch (n.k) {
    case 'set': {
      const out = zero();
      if (top >= 1) out[1] = n.chars.length;
      return out;
    }
    case 'seq':
      return n.items.reduce((acc, x) => times(acc, byLength(x, top)), [1, ...zero().slice(1)]);
    case 'alt':
      return n.items.map((x) => byLength(x, top)).reduce((a, b) => a.map((v, k) => capped(v + (b[k] ?? 0))));
    case 'rep': {
      const one = byLength(n.node, top);
      let power = [1, ...zero().slice(1)];
      const out = zero();
      for (let k = 0; k <= Math.min(n.max, top); k++) {
        if (k >= n.min) for (let x = 0; x <= top; x++) out[x] = capped((out[x] ?? 0) + (power[x] ?? 0));
        power = times(power, one);
      }
      return out;
    }
  }
}

/** Every string a node matches, up to `top` long (for spaces small enough to list). */
function* strings(n: Node, top: number): Generator<string> {
  if (top < 0) return;
  switch (n.k) {
    case 'set':
      if (top >= 1) yield* n.chars;
      return;
    case 'alt':
      for (const x of n.items) yield* strings(x, top);
      return;
    case 'seq':
      yield* sequence(n.items, top);
      return;
    case 'rep':
      for (let k = n.min; k <= Math.min(n.max, top); k++)
        yield* sequence(new Array<Node>(k).fill(n.node), top);
  }
}

function* sequence(items: readonly Node[], top: number): Generator<string> {
  const [first, ...rest] = items;
  if (!first) {
    yield '';
    return;
  }
  for (const head of strings(first, top))
    for (const tail of sequence(rest, top - head.length)) yield head + tail;
}

/** The pattern a string schema's values match: its own, else its format's. */
const patternsOf = (s: JsonSchema): string[] =>
  [s.pattern, s.format ? FORMAT_PATTERNS[s.format] : undefined].filter((p): p is string => p !== undefined);

/** A pattern's strings within the length bounds: how many, and a reader of them; Infinity when unbounded. */
function patternSpace(
  pattern: string,
  minLength = 0,
  maxLength?: number,
): { size: number; tree?: Node; top?: number } {
  try {
    const tree = parse(pattern);
    const top = Math.min(maxLength ?? Number.POSITIVE_INFINITY, longest(tree));
    if (!Number.isFinite(top)) return { size: Number.POSITIVE_INFINITY };
    const counts = byLength(tree, top);
    const size = capped(counts.slice(minLength).reduce((a, b) => a + b, 0));
    return { size, tree, top };
  } catch (error) {
    if (error instanceof Unreadable) return { size: Number.POSITIVE_INFINITY };
    throw error;
  }
}

/** How many distinct non-null values a schema allows; Infinity when it states no bound this reader takes. */
export function valueSpace(s: JsonSchema): number {
  if (s.const !== undefined) return 1;
  if (s.enum?.length) return new Set(s.enum.filter((v) => v !== null).map((v) => JSON.stringify(v))).size;
  const types = schemaTypes(s).filter((t) => t !== 'null');
  if (types.length !== 1) return Number.POSITIVE_INFINITY;
  if (types[0] === 'boolean') return 2;
  if (types[0] === 'integer') {
    const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : undefined);
    const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : undefined);
    return min !== undefined && max !== undefined
      ? capped(Math.max(0, Math.floor(max) - Math.ceil(min) + 1))
      : Number.POSITIVE_INFINITY;
  }
  if (types[0] !== 'string') return Number.POSITIVE_INFINITY;
  if (s.maxLength === 0) return 1;
  return Math.min(
    Number.POSITIVE_INFINITY,
    ...patternsOf(s).map((p) => patternSpace(p, s.minLength, s.maxLength).size),
  );
}

/**
 * Every value a string schema allows, in a fixed order, when there are at most LISTABLE of them
 * (each matching every pattern it states, within its length bounds); undefined otherwise.
 */
export function listValues(s: JsonSchema): string[] | undefined {
  const size = valueSpace(s);
  if (!(size <= LISTABLE)) return undefined;
  if (s.enum?.length || s.const !== undefined)
    return [
      ...new Set(
        [...(s.enum ?? []), ...(s.const !== undefined ? [s.const] : [])]
          .filter((v) => v !== null)
          .map(String),
      ),
    ];
  if (schemaTypes(s).includes('integer')) {
    const min = s.minimum ?? (s.exclusiveMinimum ?? Number.NaN) + 1;
    return Array.from({ length: size }, (_, k) => String(Math.ceil(min) + k));
  }
  const patterns = patternsOf(s);
  const smallest = patterns
    .map((p) => ({ p, ...patternSpace(p, s.minLength, s.maxLength) }))
    .sort((a, b) => a.size - b.size)[0];
  if (!smallest?.tree || smallest.top === undefined) return undefined;
  const all = patterns.map((p) => new RegExp(p));
  const fits = (v: string) =>
    v.length >= (s.minLength ?? 0) &&
    v.length <= (s.maxLength ?? Number.POSITIVE_INFINITY) &&
    all.every((re) => re.test(v));
  return [...new Set([...strings(smallest.tree, smallest.top)].filter(fits))];
}

/**
 * How many items a list can hold: the value space of the field that identifies its items, the
 * smallest any source states (Infinity for a list whose items have no id, or an id with no bound).
 */
export function idSpace(op: Operation): number {
  const field = op.kind === 'list' ? op.idField : undefined;
  if (!field) return Number.POSITIVE_INFINITY;
  const spaces = ORIGINS.flatMap((o) => {
    const s = instanceSchema(op, o)?.properties?.[field];
    return s ? [valueSpace(s)] : [];
  });
  return Math.min(Number.POSITIVE_INFINITY, ...spaces);
}
