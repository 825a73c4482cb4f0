// Pointer-level differences between two JSON documents, for `schemas --check` and the committed
// contract check: each difference names where it is and both sides. Walked with an explicit
// stack, so no nesting depth overflows the call stack.

import { escapePointer } from './json';

export interface JsonDifference {
  pointer: string;
  left: unknown;
  right: unknown;
}

export function jsonDiff(left: unknown, right: unknown, pointer = ''): JsonDifference[] {
  const out: JsonDifference[] = [];
  const stack: Array<[unknown, unknown, string]> = [[left, right, pointer]];
  while (stack.length) {
    const [a, b, at] = stack.pop() as [unknown, unknown, string];
    if (Object.is(a, b)) continue;
    const bothObjects = typeof a === 'object' && a !== null && typeof b === 'object' && b !== null;
    if (!bothObjects || Array.isArray(a) !== Array.isArray(b)) {
      out.push({ pointer: at, left: a, right: b });
      continue;
    }
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])];
    for (let k = keys.length - 1; k >= 0; k--) {
      const key = keys[k] as string;
      stack.push([
        Object.hasOwn(x, key) ? x[key] : undefined,
        Object.hasOwn(y, key) ? y[key] : undefined,
        `${at}/${escapePointer(key)}`,
      ]);
    }
  }
  return out;
}
