// Pointer-level differences between two JSON documents, for `schemas --check`, fetch/list agreement
// and drift: each difference names where it is and both sides.

import { escapePointer } from './json';

export interface JsonDifference {
  pointer: string;
  left: unknown;
  right: unknown;
}

export function jsonDiff(left: unknown, right: unknown, pointer = ''): JsonDifference[] {
  if (Object.is(left, right)) return [];
  const bothObjects =
    typeof left === 'object' && left !== null && typeof right === 'object' && right !== null;
  if (!bothObjects || Array.isArray(left) !== Array.isArray(right)) return [{ pointer, left, right }];
  const a = left as Record<string, unknown>;
  const b = right as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.flatMap((key) => jsonDiff(a[key], b[key], `${pointer}/${escapePointer(key)}`));
}
