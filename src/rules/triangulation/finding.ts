// The pieces every triangulation rule shares: its shape, its findings, and how a source's place is
// named (file:line of a docs table, file#pointer into the spec).

import type { Finding, RuleInfo } from '../../finding';
import type { JsonSchema } from '../../model/json-schema';
import type { Contract } from '../../schemas/contract';
import type { Subject } from './subject';

export interface TriangulationRule extends RuleInfo {
  kind: 'triangulation';
  run(subject: Subject, contract: Contract): Finding[];
}

export function make(
  subject: Subject,
  rule: string,
  f: Omit<Finding, 'rule' | 'operation' | 'category' | 'target'> & Partial<Pick<Finding, 'category'>>,
): Finding {
  return { rule, operation: subject.label, category: 'contract', target: 'sources', ...f };
}

/** Where a schema node comes from: file:line of a docs table, file#pointer into the spec. */
export function at(schema: JsonSchema): string {
  const src = Array.isArray(schema['x-source']) ? schema['x-source'][0] : schema['x-source'];
  if (!src) return 'unknown';
  if (src.pointer) return `${src.file}#${src.pointer}`;
  return src.line ? `${src.file}:${src.line}` : `${src.file ?? src.source}`;
}

export function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export const show = (value: unknown): string => (value === undefined ? 'absent' : JSON.stringify(value));
