// Every rule, of every kind, in the order they run and report: the one registry. Adding a rule is one
// definition and one line here; --list-checks, --only, the reports and the baseline all read this list.
// It sits in the report stage, after drift, so it can list drift's classification rows beside the rest.

import { DRIFT_RULES } from '../drift/table';
import { UsageError } from '../errors';
import { OBSERVATION_RULES } from '../rules/observation-rules';
import { PAGINATION_RULES } from '../rules/pagination/properties';
import type { RuleInfo } from '../rules/rule';
import { TRANSPORT_RULES } from '../rules/transport';
import { TRIANGULATION_RULES } from '../rules/triangulation/rules';
import { cleanupRule, lifecycleRule, WRITE_RULES } from '../rules/writes/rules';

export const RULES: readonly RuleInfo[] = [
  ...TRANSPORT_RULES,
  ...OBSERVATION_RULES,
  ...WRITE_RULES,
  lifecycleRule,
  cleanupRule,
  ...PAGINATION_RULES,
  ...TRIANGULATION_RULES,
  ...DRIFT_RULES,
];

export function ruleNamed(name: string): RuleInfo | undefined {
  return RULES.find((r) => r.name === name);
}

/** The names --only selects (a kind such as "pagination" selects all of that kind); all when absent. */
export function selectRules(only: readonly string[] | undefined): Set<string> {
  if (!only?.length) return new Set(RULES.map((r) => r.name));
  const unknown = only.filter((id) => !RULES.some((r) => r.name === id || r.kind === id));
  if (unknown.length) throw new UsageError(`--only: unknown rule ${unknown.join(', ')} (see --list-checks)`);
  return new Set(RULES.filter((r) => only.includes(r.name) || only.includes(r.kind)).map((r) => r.name));
}
