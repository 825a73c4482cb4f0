// The writing part of a run: before the reads, a census of what exists and the arranged data; after
// them, the lifecycle model; at the end, whatever happened, sweeps and undo (src/run/writes/finish.ts).
// Then every write the run sent is judged by the write rules, and what could not be removed (or found)
// is a finding with the command that removes it.

import type { Finding } from '../finding';
import { writeLabel } from '../model/writes';
import { transportFindings } from '../rules/transport';
import type { WriteObservation } from '../rules/writes/observation';
import { cleanupRule, judges, lifecycleRule, WRITE_RULES } from '../rules/writes/rules';
import type { Contract } from '../schemas/contract';
import { RunLimitError } from '../transport/http';
import { JournalError } from './journal';
import { type Arranged, arrange } from './lifecycle';
import { NOT_SENT } from './reach';
import type { RuleResult } from './results';
import { runStateful } from './stateful';
import { type Finished, finishWrites } from './writes/finish';
import type { RefusalScenario } from './writes/refusals';
import { type SessionOptions, WriteSession } from './writes/session';
import { census, censusStop } from './writes/sweep';

export interface WriteRunOptions extends Omit<SessionOptions, 'contract'> {
  /** The command that removes what is left, for the finding that lists it. */
  cleanupCommand: string;
  /** Sequences the lifecycle model runs (0: none). */
  modelRuns?: number;
  perList?: number;
  /** The updates are sent by the caller once its reads are judged (arrange's deferUpdates). */
  deferUpdates?: boolean;
}

/** A census of what exists, then the data every read needs, arranged through the writes. */
export async function startWrites(
  contract: Contract,
  w: WriteRunOptions,
  operations?: readonly string[],
  refusals?: (scenario: RefusalScenario) => boolean,
): Promise<{ session: WriteSession; arranged?: Arranged; stopped?: string }> {
  const { cleanupCommand: _c, modelRuns: _m, perList: _p, deferUpdates: _d, ...options } = w;
  const session = new WriteSession({ ...options, contract });
  try {
    // Credentials refused everywhere, or only another account's items: nothing is written at all.
    const stopped = censusStop(await census(w.transport, contract, w.journal, session.before), w.account);
    if (stopped) return { session, stopped };
    const arranged = await arrange(session, {
      ...(w.perList ? { perList: w.perList } : {}),
      ...(w.deferUpdates ? { deferUpdates: true } : {}),
      ...(operations ? { operations } : {}),
      ...(refusals ? { refusals } : {}),
    });
    // The journal could not be written: nothing more is sent, what was made is undone, exit 2.
    if (w.journal.broken) {
      await arranged.settled;
      await endWrites(session, w);
    }
    return { session, arranged };
  } catch (error) {
    if (!(error instanceof RunLimitError)) throw error;
    return { session };
  }
}

/** The journal could not be written: what the run made undone (from memory), then one line, exit 2. */
function journalFailed(w: WriteRunOptions, finished: Finished): JournalError {
  return new JournalError(
    `${w.journal.broken}: writing stopped; ${
      finished.done
        ? 'what the run made was undone, each removal read back'
        : `${finished.left.length} item(s) could not be removed (${finished.incomplete.length} list(s) not read whole); once the disk has room, run: ${w.cleanupCommand}`
    }`,
  );
}

/** The lifecycle model's sequences, as one result. */
export async function modelResult(
  session: WriteSession,
  w: WriteRunOptions,
  target: string,
): Promise<RuleResult> {
  const model = await runStateful({ session, numRuns: w.modelRuns ?? 0, seed: w.seed }).catch(
    (error: unknown) => {
      if (error instanceof RunLimitError) return { findings: [], judged: 0, why: error.message };
      throw error;
    },
  );
  for (const f of model.findings) f.target = target;
  return {
    rule: lifecycleRule.name,
    operation: 'the write lifecycle',
    outcome: model.findings.length ? 'failed' : model.judged ? 'passed' : 'not-run',
    findings: model.findings,
    ...(model.judged || model.findings.length
      ? {}
      : { reason: 'why' in model ? String(model.why) : 'no sequence could run' }),
  };
}

/**
 * Sweeps and undo, whatever happened before; the journal is closed. A journal that could not be
 * written is then a JournalError (exit 2), once what the run made is undone.
 */
export async function endWrites(session: WriteSession, w: WriteRunOptions): Promise<Finished> {
  let finished: Finished;
  try {
    finished = await finishWrites({
      contract: session.contract,
      transport: w.cleanup,
      journal: w.journal,
      entries: () => w.journal.entries,
      lost: session.lost,
    });
  } finally {
    w.journal.close();
  }
  if (w.journal.broken) throw journalFailed(w, finished);
  return finished;
}

interface JudgeOptions {
  selected: (rule: string) => boolean;
  cleanupCommand: string;
  target: string;
  /** Operation ids the run reports (all when absent). */
  operations?: readonly string[];
  /** Recorded writes: replayed, not a lifecycle (what they changed cannot be read back). */
  recorded?: boolean;
  /** Writes the run never sends, with the reason (src/run/reach.ts). */
  notSent?: ReadonlyMap<string, string>;
}

/** One result per write rule × write operation. */
function ruleResults(contract: Contract, observations: readonly WriteObservation[], o: JudgeOptions) {
  const findings: Finding[] = [];
  const results: RuleResult[] = [];
  for (const rule of WRITE_RULES.filter((r) => o.selected(r.name)))
    for (const write of contract.writes.filter(
      (x) => rule.appliesTo(x) && (!o.operations || o.operations.includes(x.id)),
    )) {
      const applicable = observations.filter((x) => x.write === write && judges(rule, x));
      const found = applicable.flatMap((x) => rule.run(x, contract));
      findings.push(...found);
      const failed = found.some((f) => f.severity === 'error');
      const never = o.notSent?.get(write.id);
      const reason = o.recorded
        ? 'not judged on recordings: the recording holds no exchange this rule judges (it needs a live run)'
        : never !== undefined
          ? `${NOT_SENT}${never}`
          : observations.some((x) => x.write === write)
            ? 'no write this rule applies to'
            : 'the run sent no such write (the data it needs could not be arranged: see write.arrange-refused)';
      results.push({
        rule: rule.name,
        operation: writeLabel(write),
        outcome: applicable.length === 0 ? 'not-run' : failed ? 'failed' : 'passed',
        findings: found,
        ...(applicable.length === 0 ? { reason } : {}),
      });
    }
  return { findings, results };
}

/** What the run made and could not remove, or could not look for: each a finding with the command that removes it. */
function cleanupFindings(finished: Finished, command: string): Finding[] {
  const base = {
    rule: cleanupRule.name,
    severity: 'error' as const,
    category: 'contract' as const,
    source: 'the run journal',
  };
  return [
    ...finished.left.map((e) => ({
      ...base,
      operation: `${e.undo?.method ?? 'DELETE'} ${e.undo?.path ?? e.list ?? e.write}`,
      message: `left behind: ${e.list ?? e.write} ${e.id ?? ''} — ${e.why}; remove it with: ${command}`,
    })),
    ...finished.incomplete.map((why) => ({
      ...base,
      operation: 'the run journal',
      message: `a sweep for the run's tag did not finish (${why}): what it could not read may hold items the run made; run: ${command}`,
    })),
  ];
}

/** The write rules over every write the run sent; and what the run left or could not look for. */
export function judgeWrites(
  contract: Contract,
  observations: readonly WriteObservation[],
  finished: Finished | undefined,
  o: JudgeOptions,
): { findings: Finding[]; results: RuleResult[] } {
  // A write that got no usable answer is a transport finding like any request's.
  const findings: Finding[] = observations
    .filter((x) => !o.operations || o.operations.includes(x.write.id))
    .flatMap((x) => transportFindings({ scenario: x.scenario, exchange: x.exchange, op: x.write }))
    .filter((f) => o.selected(f.rule));
  const judged = ruleResults(contract, observations, o);
  findings.push(...judged.findings);
  const results = judged.results;
  if (o.selected(cleanupRule.name) && finished) {
    const left = cleanupFindings(finished, o.cleanupCommand);
    findings.push(...left);
    results.push({
      rule: cleanupRule.name,
      operation: 'the run journal',
      outcome: left.length ? 'failed' : 'passed',
      findings: left,
    });
  }
  for (const f of findings) f.target = o.target;
  return { findings, results };
}
