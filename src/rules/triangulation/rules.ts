// Triangulation: for every operation, read or write, a docs page and the spec both describe, the
// docs' tables, the docs' own examples and the spec compared field by field and keyword by keyword,
// requiredness included. The examples are evidence, not a contract. Nothing here names a field or an
// operation. The rules live in this folder by what they compare: fields.ts, parameters.ts,
// examples.ts; subject.ts says what is compared for a read and for a write.

import type { Finding } from '../../finding';
import type { Contract } from '../../schemas/contract';
import {
  errorResponsesUndocumented,
  exampleFailsSchema,
  itemsKeyDiffers,
  itemsKeyUnreadable,
} from './examples';
import { constraintDiffers, fieldPresence, requiredDiffers } from './fields';
import type { TriangulationRule } from './finding';
import { parameterPresence } from './parameters';
import { readSubject, writeSubject } from './subject';

export type { TriangulationRule } from './finding';

export const TRIANGULATION_RULES: readonly TriangulationRule[] = [
  fieldPresence,
  constraintDiffers,
  requiredDiffers,
  parameterPresence,
  exampleFailsSchema,
  itemsKeyUnreadable,
  itemsKeyDiffers,
  errorResponsesUndocumented,
];

export function triangulate(contract: Contract, only?: ReadonlySet<string>): Finding[] {
  const subjects = [...contract.operations.map(readSubject), ...contract.writes.map(writeSubject)];
  const rules = TRIANGULATION_RULES.filter((r) => !only || only.has(r.name));
  return subjects.flatMap((s) => rules.flatMap((r) => r.run(s, contract)));
}
