// Plain JSON helpers every stage shares.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The one "is this a plain JSON object" test, for every stage that walks parsed JSON. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

export function unescapePointer(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** The value a JSON pointer names, or undefined. Own properties only. */
export function valueAt(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let node: unknown = document;
  for (const raw of pointer.split('/').slice(1)) {
    const part = unescapePointer(raw);
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** How deep a provider's JSON may nest before it is refused (Twilio's bodies nest a few levels). */
export const MAX_JSON_DEPTH = 64;

export type ParsedJson = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * JSON from a provider, made safe for every stage after it: a document nested deeper than
 * MAX_JSON_DEPTH is refused (checked iteratively, so no depth overflows a stack), and a number
 * outside double range is kept as its text (`"1e400"`) instead of becoming Infinity, then null.
 */
export function parseProviderJson(text: string): ParsedJson {
  // One pass over the text first: a document too deep is refused before it is built, and one with
  // no number that could leave double range (nearly all) needs no walk of its millions of nodes.
  const scan = scanJsonText(text);
  if (scan.depth > MAX_JSON_DEPTH) return { ok: false, error: `nested deeper than ${MAX_JSON_DEPTH} levels` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  if (!scan.mayOverflow) return { ok: true, value };
  const stack: Array<[unknown, number]> = [[value, 0]];
  let overflow = false;
  while (stack.length) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node === 'number' && !Number.isFinite(node)) overflow = true;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { ok: false, error: `nested deeper than ${MAX_JSON_DEPTH} levels` };
    for (const child of Object.values(node))
      if (child !== null && (typeof child === 'object' || typeof child === 'number'))
        stack.push([child, depth + 1]);
  }
  return { ok: true, value: overflow ? keepOverflowText(value, text) : value };
}

/**
 * Numbers JSON.parse turned into ±Infinity, replaced by their literal text, each taken from its own
 * position: the text is scanned (strings skipped, so a string "9e999" is never taken for a number)
 * and every out-of-range number is set at the path it stands at (a later duplicate key wins, as in
 * JSON.parse).
 */
function keepOverflowText(value: unknown, text: string): unknown {
  const copy = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(copy);
    if (isRecord(node)) {
      const out: Record<string, unknown> = Object.create(null);
      for (const [key, v] of Object.entries(node)) out[key] = copy(v);
      return out;
    }
    return node;
  };
  const root = copy(value);
  for (const { path, literal } of overflowingNumbers(text)) {
    let node: unknown = root;
    for (const step of path.slice(0, -1)) node = (node as Record<string, unknown>)[step];
    const last = path.at(-1);
    if (last === undefined) return literal;
    if (node !== null && typeof node === 'object') (node as Record<string, unknown>)[last] = literal;
  }
  return root;
}

/** Every number literal outside double range, with the path (keys and indices) it stands at. */
function overflowingNumbers(text: string): Array<{ path: Array<string | number>; literal: string }> {
  const out: Array<{ path: Array<string | number>; literal: string }> = [];
  const frames: Array<{ array: boolean; key: string | number; expectKey: boolean }> = [];
  const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const path = () => frames.map((f) => f.key);
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    const top = frames.at(-1);
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (top && !top.array && top.expectKey) {
        top.key = JSON.parse(text.slice(i, j + 1)) as string;
        top.expectKey = false;
      }
      i = j + 1;
    } else if (c === '{' || c === '[') {
      frames.push({ array: c === '[', key: c === '[' ? 0 : '', expectKey: c === '{' });
      i++;
    } else if (c === '}' || c === ']') {
      frames.pop();
      i++;
    } else if (c === ',') {
      if (top?.array) top.key = (top.key as number) + 1;
      else if (top) top.expectKey = true;
      i++;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      const literal = m?.[0] ?? c;
      if (!Number.isFinite(Number(literal))) out.push({ path: path(), literal });
      i += literal.length;
    } else i++;
  }
  return out;
}

/**
 * The deepest nesting of a JSON text (strings skipped) and whether it holds a number literal long
 * enough, or with an exponent large enough, to leave double range. No allocation per node.
 */
function scanJsonText(text: string): { depth: number; mayOverflow: boolean } {
  let depth = 0;
  let max = 0;
  let mayOverflow = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
    } else if (c === 123 || c === 91 /* { [ */) {
      if (++depth > max) max = depth;
    } else if (c === 125 || c === 93 /* } ] */) depth--;
    else if (!mayOverflow && (c === 101 || c === 69) /* e E */) {
      // An exponent of 300 or more (three digits starting 3-9, or four or more) may overflow.
      let j = i + 1;
      if (text[j] === '+' || text[j] === '-') j++;
      let digits = '';
      while (j < text.length && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) digits += text[j++];
      if (digits.replace(/^0+/, '').length >= 3 && Number(digits) >= 300) mayOverflow = true;
    } else if (!mayOverflow && c >= 48 && c <= 57) {
      let j = i;
      while (j < text.length && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      if (j - i >= 300) mayOverflow = true;
      i = j - 1;
    }
  }
  return { depth: max, mayOverflow };
}

/** A percent-encoded path segment decoded, or kept as it came when it is not valid percent-encoding. */
export function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
