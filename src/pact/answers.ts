// What the verification proxy says of an answer: the read or write a path names, a read's answer
// against the resolved contract (errors only), one line per broken constraint, and the answers the
// proxy makes itself.

import { decodeSegment, parseProviderJson } from '../json';
import { type Operation, pathMatcher, successStatus } from '../model/operation';
import { foldIndices } from '../rules/rule';
import type { Contract, ResolvedViolation } from '../schemas/contract';

export interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

const matchers = new Map<string, RegExp>();
const matcherOf = (path: string): RegExp => {
  const known = matchers.get(path);
  if (known) return known;
  const re = pathMatcher(path);
  matchers.set(path, re);
  return re;
};

/** What a method and path name in the model: a read and its path values, or a write's. */
export function routeOf<T extends Pick<Operation, 'path' | 'pathParams'>>(
  ops: readonly T[],
  path: string,
): { op: T; values: Record<string, string> } | undefined {
  for (const op of [...ops].sort((a, b) => a.pathParams.length - b.pathParams.length)) {
    const m = matcherOf(op.path).exec(path);
    if (!m) continue;
    const values = Object.fromEntries(op.pathParams.map((p, k) => [p.name, decodeSegment(m[k + 1] ?? '')]));
    return { op, values };
  }
  return undefined;
}

/** An answer the proxy makes itself (a refused write, a provider that did not answer): a Twilio-shaped error. */
export function problemAnswer(status: number, message: string): Answer {
  const body = Buffer.from(JSON.stringify({ code: 0, message: `pact:verify: ${message}`, status }));
  return { status, headers: { 'content-type': 'application/json' }, body };
}

/** One thing wrong with an answer: its line, and what makes two the same (the constraint, items folded). */
export interface Problem {
  key: string;
  line: string;
}
const problem = (line: string): Problem => ({ key: line, line });

/** A read's answer against the resolved contract: its documented body (a 200's, a redirect's), or its error body. */
export function judgeRead(contract: Contract, op: Operation, a: Answer): Problem[] {
  const text = a.body.toString('utf8');
  const ok = successStatus(op);
  if (text.trim() === '') return a.status === ok ? [problem(`a ${ok} without a body`)] : [];
  const parsed = parseProviderJson(text);
  if (!parsed.ok) return [problem(`the body is not JSON (${parsed.error})`)];
  if (a.status === ok) return violationLines(contract.validate(op, parsed.value));
  if (a.status >= 400) return violationLines(contract.validateError(parsed.value));
  return [];
}

/**
 * Errors only, one line per broken constraint (items folded: /tools/3/enabled is /tools/∗/enabled),
 * each naming the pointer, what was expected and what came. (A null Twilio answers for a value it has
 * none for is no violation: the contract's schemas mark those fields `x-unset`.)
 */
export function violationLines(found: readonly ResolvedViolation[]): Problem[] {
  const lines = new Map<string, string>();
  for (const v of found) {
    if (v.severity !== 'error') continue;
    const key = `${foldIndices(v.pointer)}\u0000${v.keyword}`;
    if (lines.has(key)) continue;
    const got = v.keyword === 'required' ? 'absent' : (JSON.stringify(v.actual) ?? 'undefined');
    const what =
      v.pointer && v.message.startsWith(v.pointer) ? v.message : `${v.pointer || '/'}: ${v.message}`;
    lines.set(key, `${what}; expected ${JSON.stringify(v.expected)}, got ${got.slice(0, 120)}`);
  }
  return [...lines].map(([key, line]) => ({ key, line }));
}
