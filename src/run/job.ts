// The run, assembled once: targets prepared, each target's conformance run (plan, rules, pagination
// properties with their own budget) in turn, everything torn down. The conformance command, the
// mutation score, the recorder and the suites all call this.

import type { PageSizePolicy } from '../rules/pagination/properties';
import type { Contract } from '../schemas/contract';
import {
  DEFAULT_PAGINATION_BUDGET,
  type PreparedTarget,
  prepareTargets,
  type TargetOptions,
} from '../targets/targets';
import { type RuleResult, type RunResult, runConformance } from './run';

export interface JobOptions extends Omit<TargetOptions, 'contract'> {
  contract: Contract;
  /** Rule names to run (all when absent). */
  rules?: ReadonlySet<string>;
  /** Operation ids to run (all when absent). */
  operations?: readonly string[];
  pagination?: boolean;
  paginationBudget?: number;
  paginationRuns?: number;
  pageSizePolicy?: PageSizePolicy;
  /** Shrink pagination counterexamples (default true; the mutation score only needs a verdict). */
  shrink?: boolean;
  paginationSeed?: number;
  concurrency?: number;
  /** Path values known in advance: TWILIO_SESSION_ID-style ids, by operation id and parameter. */
  pathValues?: Record<string, Record<string, string>>;
  onTarget?: (t: PreparedTarget) => void;
  onRule?: (rule: string, results: RuleResult[]) => void;
}

export async function runJob(o: JobOptions): Promise<RunResult[]> {
  const targets = await prepareTargets(o);
  const runs: RunResult[] = [];
  try {
    for (const t of targets) {
      o.onTarget?.(t);
      await t.open();
      const propertyTransport =
        o.pagination === false
          ? undefined
          : t.transport.withBudget(
              o.paginationBudget ?? (t.provider ? Number.POSITIVE_INFINITY : DEFAULT_PAGINATION_BUDGET),
            );
      try {
        runs.push(
          await runConformance(t.transport, o.contract, {
            ...(o.rules ? { rules: o.rules } : {}),
            ...(o.operations ? { operations: o.operations } : {}),
            ...(o.concurrency ? { concurrency: o.concurrency } : {}),
            ...(t.recorded ? { recorded: t.recorded } : {}),
            pathHints: (op) => {
              const fixed = o.pathValues?.[op.id];
              return [...(fixed ? [fixed] : []), ...(t.pathHints?.(op) ?? [])];
            },
            ...(propertyTransport
              ? {
                  pagination: {
                    transport: propertyTransport,
                    // Live runs are sized to their budget; each run walks a few pages.
                    numRuns:
                      o.paginationRuns ??
                      (t.provider ? 8 : Math.max(2, Math.floor(propertyTransport.budget / 10 / 40))),
                    ...(o.pageSizePolicy ? { pageSizePolicy: o.pageSizePolicy } : {}),
                    ...(o.shrink === false ? { shrink: false } : {}),
                    ...(o.paginationSeed !== undefined ? { seed: o.paginationSeed } : {}),
                    ...(t.provider ? { setCount: t.provider.setCount } : {}),
                  },
                }
              : {}),
            ...(o.onRule ? { onRule: o.onRule } : {}),
          }),
        );
      } finally {
        await t.close();
      }
    }
  } finally {
    await Promise.all(targets.map((t) => t.close().catch(() => {})));
  }
  return runs;
}
