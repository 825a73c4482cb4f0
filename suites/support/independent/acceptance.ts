// The suite run as a user runs it, against the stand-in: the built commands in their own processes,
// the account's credentials in the environment, reports in a fresh folder; then what the run left on
// the account, and an account of what went wrong told from both sides (the run's report, and what the
// stand-in refused, with its message and the body it was sent).

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { type ExpectStatic, expect as globalExpect } from 'vitest';
import { type CliResult, runProcess } from '../fixtures';
import { ACCOUNT, ENV } from './client';
import type { StandIn } from './server';
import type { Json } from './store';

export interface Finding {
  rule: string;
  severity: string;
  operation: string;
  message: string;
}
export interface Report {
  verdict: { passed: boolean; lines: string[] };
  findings: Finding[];
  runs: { results: { rule: string; operation: string; outcome: string }[] }[];
}

export interface RunOutcome extends CliResult {
  report?: Report;
  dir: string;
}

/**
 * `npm run conformance -- --target live --base-url <stand-in> --writes <AccountSid> --report-dir <tmp> …`,
 * as a process (the built command), or in this process (`runCli`: the same command function).
 */
export async function conformance(s: StandIn, more: string[] = [], run = runProcess): Promise<RunOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'independent-run-'));
  const args = ['--target', 'live', '--base-url', s.url, '--writes', ACCOUNT, '--report-dir', dir, ...more];
  const r = await run('conformance', args, ENV);
  let report: Report | undefined;
  try {
    report = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8'));
  } catch {}
  return { ...r, dir, ...(report ? { report } : {}) };
}

/** `npm run pact:verify -- --writes <AccountSid> --base-url <stand-in> --report-dir <tmp>` */
export async function pactVerify(s: StandIn): Promise<RunOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'independent-pact-'));
  const r = await runProcess(
    'pact-verify',
    ['--writes', ACCOUNT, '--base-url', s.url, '--report-dir', dir],
    ENV,
  );
  return { ...r, dir };
}

/** The operations the run judged (any rule passed or failed on it), the run's own bookkeeping left out. */
export function judged(report: Report | undefined): string[] {
  const ops = (report?.runs ?? []).flatMap((r) =>
    r.results.filter((x) => x.outcome !== 'not-run').map((x) => x.operation),
  );
  return [...new Set(ops)].filter((o) => /^(GET|POST|PUT|PATCH|DELETE) /.test(o)).sort();
}

/** The write operations the stand-in answered with a 2xx at least once. */
export const writesAnswered2xx = (s: StandIn): string[] =>
  [
    ...new Set(
      s
        .writes()
        .filter((e) => e.status < 300 && e.operation)
        .map((e) => e.operation as string),
    ),
  ].sort();

/** Distinct lines with how often each came, in the order they first came. */
const counted = (lines: string[], example: string[] = []): string[] => {
  const n = new Map<string, { count: number; example: string }>();
  lines.forEach((l, i) => {
    const seen = n.get(l);
    n.set(l, { count: (seen?.count ?? 0) + 1, example: seen?.example ?? example[i] ?? '' });
  });
  return [...n].map(
    ([l, { count, example: e }]) => `${count > 1 ? `${count}× ` : ''}${l}${e ? ` ← e.g. ${e}` : ''}`,
  );
};

/** What went wrong, from the run's report and from the stand-in's side: one line per distinct thing. */
export function explain(r: RunOutcome, s: StandIn): string {
  const errors = (r.report?.findings ?? []).filter((f) => f.severity === 'error');
  const refused = s.writes().filter((e) => e.status === 400 && e.operation);
  return [
    `exit ${r.status}`,
    ...(r.report?.verdict.lines.map((l) => l.slice(0, 600)) ?? [r.stderr.slice(0, 2000)]),
    'blocking findings:',
    ...counted(errors.map((f) => `${f.rule} [${f.operation}] ${f.message.slice(0, 240)}`)),
    'what the stand-in refused (400) during the run, by operation and message (the negative probes among them):',
    ...counted(
      refused.map((e) => `${e.operation}: ${e.message}`),
      refused.map((e) => (e.body ?? '').slice(0, 240)),
    ),
  ].join('\n  ');
}

const KEEP_ALL = ['assistants', 'tools', 'knowledge', 'attachedTools', 'attachedKnowledge'];
const KEEP_EXISTING = ['policies', 'policyOwner', 'sessions', 'messages', 'feedback'];

/**
 * What a run must leave as it found it: the kinds a delete removes hold exactly what they held (nothing
 * the run made is left, nothing that was there changed); in the kinds the API cannot delete (sessions,
 * their messages, feedback, policies), everything that was there is there unchanged. A concurrent
 * test passes its context's expect.
 */
export function expectLeftAsFound(before: Json, after: Json, expect: ExpectStatic = globalExpect): void {
  for (const kind of KEEP_ALL) expect.soft(after[kind], `${kind}: left as found`).toEqual(before[kind]);
  for (const kind of KEEP_EXISTING) {
    const was = before[kind] as Json;
    const now = after[kind] as Json;
    for (const id of Object.keys(was)) expect.soft(now[id], `${kind} ${id}: unchanged`).toEqual(was[id]);
  }
}

/** Pact's Failures section, shortened: each failing interaction and the first lines of what it found. */
export function explainPact(r: RunOutcome, s: StandIn): string {
  const text = stripVTControlCharacters(`${r.stdout}\n${r.stderr}`);
  const failures = text.slice(text.indexOf('Failures:'));
  const lines = failures.split('\n');
  const kept = lines.filter(
    (l) => /^\d+\) Verifying/.test(l) || /->|expected \d+ but was|"message":/.test(l),
  );
  const refused = s.writes().filter((e) => e.status === 400 && e.operation);
  return [
    `exit ${r.status}`,
    ...(kept.length
      ? [...new Set(kept)].map((l) => l.replace(/^.*? Given /, 'Given ').trim())
      : [text.slice(-3000)]),
    'what the stand-in refused (400) during verification:',
    ...counted(
      refused.map((e) => `${e.operation}: ${e.message}`),
      refused.map((e) => (e.body ?? '').slice(0, 240)),
    ),
  ].join('\n  ');
}
