// A conformance run from its options to its exit status: the run assembled once (src/run/job.ts) with
// its progress lines, signals that stop it cleanly, the one line of a run that reached nothing, the
// reports written and the summary printed. The command (src/cli/conformance.ts) only parses flags.

import type { TrafficDigest } from '../drift/observed';
import { type Finding, isBlocking } from '../finding';
import { acceptedBy, type BaselineEntry } from '../findings/baseline';
import { shellWord } from '../rules/curl';
import { releaseBodies } from '../rules/rule';
import type { JobOptions } from '../run/job';
import type { RunResult } from '../run/run';
import type { Contract } from '../schemas/contract';
import type { PreparedTarget } from '../targets/targets';
import { finishRun } from './finish';
import { journalLine, ruleCounts, ruleLine, runReport } from './summary';

/** What the command decided from its flags: the job, and how to judge and report it. */
export interface ConformanceOptions {
  job: Omit<JobOptions, 'onTarget' | 'onRun' | 'onRule' | 'onProperty' | 'onJournal'>;
  contract: Contract;
  mode: string;
  reportDir: string;
  baselineFile: string;
  baseline: BaselineEntry[];
  updateBaseline: boolean;
  allowUnjudged: boolean;
  verbose: boolean;
  seed: number;
  replay: string;
  concurrency: number;
}

interface Out {
  out(line: string): void;
  err(line: string): void;
}

/** The progress lines and what the reports need from each target as it runs. */
function progress(o: ConformanceOptions, io: Out, traffic: TrafficDigest) {
  const state = {
    current: '',
    provider: undefined as string | undefined,
    /** The targets whose reference provider ends with the run. */
    ended: new Set<string>(),
    stops: [] as Array<(why: string) => void>,
  };
  const blocks = (f: Finding) =>
    isBlocking(f) && !acceptedBy(o.baseline, { ...f, target: f.target ?? state.current });
  const callbacks: Pick<JobOptions, 'onTarget' | 'onRun' | 'onRule' | 'onProperty' | 'onJournal'> = {
    onJournal: (file, command) => io.out(journalLine(file, command, state.ended.has(state.current))),
    onTarget: (t: PreparedTarget) => {
      // Printed once the flags have been accepted (a base URL carrying credentials never is).
      if (!state.current) io.out(`seed ${o.seed}: ${o.replay} replays this run`);
      state.current = t.transport.target;
      if (t.provider) {
        state.provider = providerCommand(t, o);
        state.ended.add(t.transport.target);
      }
      state.stops.push((why) => t.transport.stop(why));
      const writes = t.transport.writes && !t.recorded ? ', writes allowed' : '';
      io.out(`▶ ${t.transport.target} (${t.transport.baseUrl}), contract: ${o.mode}${writes}`);
    },
    // Each run's traffic is digested as it ends and its bodies let go (a thousand cassettes).
    onRun: (run) => {
      traffic.add(run.target, run.observations);
      releaseBodies(run.observations);
    },
    // --verbose: each pagination property and each rule as it ends, on each target.
    onProperty: (r) =>
      o.verbose &&
      io.out(
        `    · ${r.rule} ${r.operation}: ${r.outcome}${r.requests !== undefined ? `, ${r.requests} requests` : ''}`,
      ),
    onRule: (_group, results) => {
      if (!o.verbose) return;
      for (const c of ruleCounts(
        [{ results }],
        results.flatMap((r) => r.findings),
        blocks,
      ))
        io.out(`  ${state.current}:${ruleLine(c).slice(1)}`);
    },
  };
  return { state, callbacks };
}

/** The command that starts the same reference provider again, for a finding's curl line. */
function providerCommand(t: PreparedTarget, o: ConformanceOptions): string {
  const fault = o.job.fault !== undefined ? ['--fault', shellWord(o.job.fault)] : [];
  const port = new URL(t.provider?.url ?? 'http://x').port;
  return [
    'npm run provider --',
    '--port',
    port,
    '--items',
    String(o.job.items ?? 30),
    '--seed',
    String(o.seed),
    ...fault,
  ].join(' ');
}

/** Runs the job; SIGINT and SIGTERM stop new requests, undo what the run made, and still write the reports. */
async function runStoppable(
  job: JobOptions,
  stops: Array<(why: string) => void>,
  io: Out,
): Promise<RunResult[]> {
  const onSignal = (signal: NodeJS.Signals) => {
    io.err(`${signal}: stopping; undoing what the run made, then writing the reports`);
    for (const stop of stops) stop(`stopped by ${signal}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { runJob } = await import('../run/job');
    return await runJob(job);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The whole run: 0 passed, 1 failed, 2 nothing judged (credentials, account, TLS), 3 unavailable. */
export async function runConformanceCommand(o: ConformanceOptions, io: Out): Promise<number> {
  const { TrafficDigest } = await import('../drift/observed');
  const traffic = new TrafficDigest(o.contract);
  const { state, callbacks } = progress(o, io, traffic);
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const runs = await runStoppable({ ...o.job, ...callbacks }, state.stops, io);
  // Credentials the API refused, another account's answers, no TLS: nothing judged, one line.
  const access = runs.find((r) => r.access)?.access;
  if (access) {
    io.err(`conformance: ${access}`);
    return 2;
  }
  const done = finishRun(runs, {
    contract: o.contract,
    baselineFile: o.baselineFile,
    baseline: o.baseline,
    reportDir: o.reportDir,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    concurrency: o.concurrency,
    updateBaseline: o.updateBaseline,
    allowUnjudged: o.allowUnjudged,
    rules: o.job.rules ?? new Set(),
    ...(o.job.operations ? { operations: o.job.operations } : {}),
    traffic,
    seed: o.seed,
    replay: o.replay,
    ...(state.provider ? { provider: state.provider } : {}),
  });
  const baselineWritten = o.updateBaseline ? { baselineWritten: o.baselineFile } : {};
  const report = { verbose: o.verbose, replay: o.replay, ended: state.ended, ...baselineWritten };
  for (const line of runReport(runs, done, report)) io.out(line);
  const status = done.report.verdict.status;
  return status === 'passed' ? 0 : status === 'unavailable' ? 3 : 1;
}
