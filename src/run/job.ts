// The run, assembled once: targets prepared, each target's conformance run (plan, rules, pagination
// properties with their own budget) in turn, everything torn down. The conformance command, the
// mutation score, the recorder and the suites all call this.

import { shellWord } from '../rules/curl';
import type { PageSizePolicy } from '../rules/pagination/properties';
import type { Contract } from '../schemas/contract';
import {
  DEFAULT_PAGINATION_BUDGET,
  type PreparedTarget,
  prepareTargets,
  type TargetOptions,
} from '../targets/targets';
import { credentialsFromEnv } from '../transport/credentials';
import { accessProblem } from './access';
import { defaultJournalDir, Journal, pointTo, runTag } from './journal';
import { type RuleResult, type RunResult, runConformance, type WriteRunOptions } from './run';

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
  /** Where a run that writes keeps its journal (default: reports/journal). */
  journalDir?: string;
  /** Requests a run may spend on writes and what they need read back (default 400). */
  writeBudget?: number;
  /** A run that writes: its journal, and the exact command that cleans up after it (printed before any write). */
  onJournal?: (file: string, cleanupCommand: string) => void;
  /** The run's source flags (--spec, --docs, --schemas), which the cleanup command must repeat. */
  sourceArgs?: readonly string[];
  /** Sequences the write lifecycle model runs (default 5 locally, 3 live; 0 turns it off). */
  modelRuns?: number;
  /** Items each list gets when the run arranges data (default 5: three pages at PageSize 2). */
  perList?: number;
  /** Whether the reference provider's processing is waited for (ms) and how often it is polled. */
  processingBoundMs?: number;
  pollMs?: number;
  /** The provider moves an update's dates a second on itself (default: only the local reference provider). */
  datesMoveOn?: boolean;
  onTarget?: (t: PreparedTarget) => void;
  /** Each run as it ends (before the next target opens). */
  onRun?: (run: RunResult) => void;
  onRule?: (rule: string, results: RuleResult[]) => void;
  onProperty?: (result: RuleResult) => void;
}

function writeOptions(t: PreparedTarget, o: JobOptions): WriteRunOptions {
  // The reference provider is new each run: its tag follows the seed, so a seed replays a run exactly.
  const tag = t.provider ? `conformance-local-${o.seed ?? 1}` : runTag();
  const dir = o.journalDir ?? defaultJournalDir(o.env);
  const baseUrl = t.transport.baseUrl;
  const journal = Journal.start(dir, tag, {
    baseUrl,
    ...(t.account ? { account: t.account } : {}),
    message: `writes by ${t.transport.target}`,
  });
  // A reference provider ends with its run: nothing to clean up after it later.
  if (!t.provider) pointTo(defaultJournalDir(o.env), journal.file);
  const sources = (o.sourceArgs ?? []).map(shellWord).join(' ');
  const cleanupCommand = `npm run cleanup -- --base-url ${baseUrl} --writes ${t.account ?? '<AccountSid>'} --journal-dir ${shellWord(dir)}${sources ? ` ${sources}` : ''}`;
  o.onJournal?.(journal.file, cleanupCommand);
  return {
    transport: t.transport.withBudget(o.writeBudget ?? writeBudgetFor(t, o)),
    cleanup: t.transport.forCleanup(),
    journal,
    tag,
    seed: o.seed ?? 1,
    ...(t.account ? { account: t.account } : {}),
    // The reference provider is no real account: what costs money or reaches a person is sent there.
    ...(t.provider ? { offline: true } : {}),
    cleanupCommand,
    ...(o.perList !== undefined ? { perList: o.perList } : {}),
    // The lifecycle model: more sequences on the reference provider, a few within a live budget.
    modelRuns: o.modelRuns ?? (t.provider ? 5 : 3),
    ...(o.processingBoundMs !== undefined
      ? { processingBoundMs: o.processingBoundMs }
      : t.provider
        ? { processingBoundMs: 3000 }
        : {}),
    ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : t.provider ? { pollMs: 50 } : {}),
    // The reference provider moves an update's dates a second on itself: no wait for the next second.
    ...((o.datesMoveOn ?? t.provider !== undefined) ? { datesMoveOn: true } : {}),
  };
}

/** The live credentials' account, and the variables that hold them (for the line that says they were refused). */
function liveAccount(env: NodeJS.ProcessEnv | undefined): { accountSid: string; who: string } {
  const { accountSid, username } = credentialsFromEnv(env);
  const who =
    username === accountSid
      ? 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN'
      : 'TWILIO_API_KEY and TWILIO_API_SECRET (and TWILIO_ACCOUNT_SID, their account)';
  return { accountSid, who };
}

/** Writes and what they read back: arranging, every refusal, undoing (about 250 on the reference provider). */
export const DEFAULT_WRITE_BUDGET = 400;

/** Requests per write operation the reference provider allows by default: a large spec's writes all fit. */
const LOCAL_WRITE_REQUESTS = 60;

/** The default write budget: 400 on a real account; on the reference provider, room for every write of the spec. */
function writeBudgetFor(t: PreparedTarget, o: JobOptions): number {
  return t.provider
    ? Math.max(DEFAULT_WRITE_BUDGET, LOCAL_WRITE_REQUESTS * o.contract.writes.length)
    : DEFAULT_WRITE_BUDGET;
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
        const run = await runConformance(t.transport, o.contract, {
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
          ...(o.onProperty ? { onProperty: o.onProperty } : {}),
          // A recording replays what it holds; only a live or local target runs the lifecycle.
          ...(t.transport.writes && !t.recorded ? { writes: writeOptions(t, o) } : {}),
        });
        // A live run judged against credentials the API refused judges nothing: said in one line.
        // Writes that landed on another account are write.account's to report, with what was undone.
        if (o.target === 'live') {
          const wrote = run.findings.some((f) => f.rule === 'write.account');
          const access = accessProblem(run.observations, { ...liveAccount(o.env), accountOfWrites: wrote });
          if (access) run.access = access;
        }
        runs.push(run);
        o.onRun?.(run);
      } finally {
        await t.close();
      }
    }
  } finally {
    await Promise.all(targets.map((t) => t.close().catch(() => {})));
  }
  return runs;
}
