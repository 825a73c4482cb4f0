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
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
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

/** Numbers JSON.parse turned into ±Infinity, replaced by their literal text, in document order. */
function keepOverflowText(value: unknown, text: string): unknown {
  const literals = [...text.matchAll(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)]
    .map((m) => m[0])
    .filter((t) => !Number.isFinite(Number(t)));
  let k = 0;
  const visit = (node: unknown): unknown => {
    if (typeof node === 'number' && !Number.isFinite(node)) return literals[k++] ?? String(node);
    if (Array.isArray(node)) return node.map(visit);
    if (isRecord(node)) {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(node))
        Object.defineProperty(out, key, {
          value: visit(v),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return out;
    }
    return node;
  };
  return visit(value);
}

/** A percent-encoded path segment decoded, or kept as it came when it is not valid percent-encoding. */
export function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
