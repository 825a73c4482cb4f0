// The observation rules — response, list and scenario — in the order they run and report: each judges
// one exchange the plan made. Every rule of every kind is listed in src/report/rules.ts.

import { LIST_RULES } from './list';
import { pathValues } from './path-values';
import { RESPONSE_RULES } from './response';
import type { ObservationRule } from './rule';
import { SCENARIO_RULES } from './scenario';

export const OBSERVATION_RULES: readonly ObservationRule[] = [
  ...RESPONSE_RULES,
  pathValues,
  ...LIST_RULES,
  ...SCENARIO_RULES,
];
