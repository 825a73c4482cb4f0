// npm run conformance -- [--target recorded|live|local] [--base-url URL] [--only RULE,…] [--resource NAME]…
//   [--budget N] [--report-dir DIR] [--contract docs|spec|both] [--baseline FILE] [--update-baseline]
//   [--list-checks] … (see the README)

import { randomInt } from 'node:crypto';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors';
import { type Finding, isBlocking } from '../finding';
import { acceptedBy, loadBaseline } from '../findings/baseline';
import { assertWritableDir } from '../fs-atomic';
import { fetchIdsFromEnv, idFlags, selectOperations } from '../model/model';
import { RULES, selectRules } from '../report/rules';
import { ruleCounts, ruleLine, runReport } from '../report/summary';
import { conformanceReplay, shellWord } from '../rules/curl';
import type { PageSizePolicy } from '../rules/pagination/properties';
import type { RunResult } from '../run/run';
import { CONTRACT_MODES, type ContractMode } from '../schemas/ids';
import { PROJECT_ROOT } from '../sources/paths';
import { TARGETS, type TargetKind } from '../targets/kinds';
import { command, intFlag, parseFlags, runIfMain } from './run';
import { runContract, SOURCE_FLAGS, SOURCE_HELP, sourceArgs } from './sources';

/** Node's timers hold at most 2^31 − 1 ms; a larger timeout would silently become 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;
/** Unless --deadline says otherwise, a whole run stops sending after this long and still writes its reports. */
const HELP = `
Usage: npm run conformance -- [flags]
Judges the API against its contract: every named rule on every operation, on recordings (default),
a live target, or the local reference provider. Exit 0 passed, 1 a blocking error or an operation
not judged, 2 bad input (nothing sent) or nothing judged (credentials refused, answers of another
account, no TLS at an https:// URL), 3 unavailable (every blocking error a network or provider error).

Targets
  --target recorded|live|local   default recorded (the cassettes in suites/recordings)
  --base-url URL                 live: where (default $TWILIO_<PRODUCT>_BASE_URL, else the spec's server)
  --writes AccountSid            live: also write, to this account only (must be the credentials' account)
  --read-only                    local: GET only (the reference provider takes writes by default)
  --recordings DIR               recorded: default suites/recordings
  --items N --seed S --fault NAME[@OperationId]   local: dataset and a fault (npm run provider -- --list-faults)
  --id OperationId=VALUE         the item a fetch or nested list reads (repeatable)

Selection and verdict
  --resource NAME                an API resource (Sessions, Tools…) or an operation id (repeatable)
  --only RULE|KIND,…             rules by name or kind (see --list-checks)
  --contract docs|spec|both      default both
  --baseline FILE                default suites/baseline.json; --update-baseline rewrites what this run judged
  --allow-unjudged               pass a run that left operations unjudged (the line is still printed)
  --list-checks                  list every rule and exit
  --verbose                      also each rule and property per target as it ends, the rule × target
                                 table and every warning and accepted error (default: per rule one line)

Limits
  --budget N (live 200)  --pagination-budget N (live 600)  --write-budget N (400)  --pagination-runs N
  --processing-timeout SECONDS   how long an item processed asynchronously may take (live 30, local 3)
  --no-pagination  --page-size-policy reject|clamp  --timeout MS (10000)  --retries N (3)
  --max-body BYTES (5 MiB)  --deadline SECONDS (300)  --concurrency N (live 4, local 8)
  --report-dir DIR (reports)

${SOURCE_HELP}

Environment
  TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET (live)
  TWILIO_<PRODUCT>_BASE_URL (the product from the spec's server: TWILIO_CONVERSATIONS_BASE_URL
  for conversations.twilio.com); TWILIO_<ITEM>_ID: the item a top-level fetch reads, named in
  the singular after its resource (TWILIO_CONVERSATION_ID; --id is the general form)

Examples
  npm run conformance
  npm run conformance -- --target local
  npm run conformance -- --target live --writes AC0123…   (a sandbox you may change)
  npm run conformance -- --spec twilio_conversations_v1.json --target local --read-only
Note: npm swallows flags before "--": write npm run conformance -- --target live, not npm run conformance --target=live.
`;

export const DEFAULT_DEADLINE_SECONDS = 300;

/** Requests in flight at once: 4 on live targets (far inside Twilio's per-account concurrency limit), more locally. */
const DEFAULT_CONCURRENCY: Record<TargetKind, number> = { live: 4, local: 8, recorded: 4 };

export const conformance = command(
  'conformance',
  async (args, io) => {
    const flags = parseFlags(
      {
        target: { type: 'string' },
        'base-url': { type: 'string' },
        only: { type: 'string' },
        resource: { type: 'string', multiple: true },
        budget: { type: 'string' },
        timeout: { type: 'string' },
        'report-dir': { type: 'string' },
        contract: { type: 'string' },
        baseline: { type: 'string' },
        'update-baseline': { type: 'boolean' },
        'list-checks': { type: 'boolean' },
        recordings: { type: 'string' },
        ...SOURCE_FLAGS,
        items: { type: 'string' },
        seed: { type: 'string' },
        fault: { type: 'string' },
        'pagination-budget': { type: 'string' },
        'pagination-runs': { type: 'string' },
        'page-size-policy': { type: 'string' },
        'no-pagination': { type: 'boolean' },
        deadline: { type: 'string' },
        'max-body': { type: 'string' },
        retries: { type: 'string' },
        concurrency: { type: 'string' },
        id: { type: 'string', multiple: true },
        'allow-unjudged': { type: 'boolean' },
        writes: { type: 'string' },
        'read-only': { type: 'boolean' },
        'write-budget': { type: 'string' },
        'processing-timeout': { type: 'string' },
        verbose: { type: 'boolean' },
      },
      args,
      io,
    );
    if (flags['list-checks']) {
      for (const r of RULES) io.out(`${r.name.padEnd(42)} ${r.kind.padEnd(13)} ${r.asserts}`);
      return 0;
    }
    // Flags that only mean something on one target name it: given alone they choose it, given with
    // another target they are a usage error (a flag never silently does nothing).
    const FOR: Array<[string, boolean, TargetKind]> = [
      ['--base-url', flags['base-url'] !== undefined, 'live'],
      ['--writes', flags.writes !== undefined, 'live'],
      ['--fault', flags.fault !== undefined, 'local'],
      ['--items', flags.items !== undefined, 'local'],
      ['--read-only', flags['read-only'] === true, 'local'],
      ['--recordings', flags.recordings !== undefined, 'recorded'],
    ];
    const implied = [...new Set(FOR.filter(([, given]) => given).map(([, , t]) => t))];
    if (flags.target === undefined && implied.length > 1)
      throw new UsageError(
        `${FOR.filter(([, given]) => given)
          .map(([f]) => f)
          .join(
            ', ',
          )}: these flags belong to different targets (${implied.join(', ')}); choose one with --target`,
      );
    const target = (flags.target ?? implied[0] ?? 'recorded') as TargetKind;
    if (!TARGETS.includes(target))
      throw new UsageError(`--target: expected ${TARGETS.join('|')}, got "${flags.target}"`);
    for (const [flag, given, needs] of FOR)
      if (given && needs !== target)
        throw new UsageError(`${flag}: only for --target ${needs}, and this run's target is ${target}`);
    const mode = (flags.contract ?? 'both') as ContractMode;
    if (!CONTRACT_MODES.includes(mode))
      throw new UsageError(`--contract: expected ${CONTRACT_MODES.join('|')}, got "${flags.contract}"`);
    const budget = intFlag(flags.budget, '--budget', 1, 1_000_000);
    const deadlineSeconds = intFlag(flags.deadline, '--deadline', 1, 86_400) ?? DEFAULT_DEADLINE_SECONDS;
    const maxBodyBytes = intFlag(flags['max-body'], '--max-body', 1, 1024 ** 3);
    const retries = intFlag(flags.retries, '--retries', 0, 10);
    const timeoutMs = intFlag(flags.timeout, '--timeout', 1, MAX_TIMER_MS);
    const concurrency = intFlag(flags.concurrency, '--concurrency', 1, 64) ?? DEFAULT_CONCURRENCY[target];
    const only = flags.only
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const rules = selectRules(only);
    const policy = (flags['page-size-policy'] ?? 'reject') as PageSizePolicy;
    if (policy !== 'reject' && policy !== 'clamp')
      throw new UsageError(`--page-size-policy: expected reject|clamp, got "${policy}"`);
    const paginationBudget = intFlag(flags['pagination-budget'], '--pagination-budget', 1, 1_000_000);
    const paginationRuns = intFlag(flags['pagination-runs'], '--pagination-runs', 1, 10_000);
    // Every run has a seed, its own when not given: printed, recorded in the reports and in each
    // finding's replay command, so a failure replays exactly.
    const seed = intFlag(flags.seed, '--seed', 0, 2 ** 31 - 1) ?? randomInt(2 ** 31 - 1);
    const replay = conformanceReplay(args, seed);
    const writeBudget = intFlag(flags['write-budget'], '--write-budget', 1, 1_000_000);
    const processingSeconds = intFlag(flags['processing-timeout'], '--processing-timeout', 1, 86_400);
    const writes = target === 'local' ? !flags['read-only'] : target === 'live' && flags.writes !== undefined;
    for (const [flag, given] of [
      ['--write-budget', writeBudget !== undefined],
      ['--processing-timeout', processingSeconds !== undefined],
    ] as const)
      if (given && !writes)
        throw new UsageError(
          `${flag}: only for a run that writes (--writes AccountSid, or the local target)`,
        );
    const verbose = flags.verbose === true;

    const items = intFlag(flags.items, '--items', 0, 1_000_000);
    const reportDir = resolve(flags['report-dir'] ?? join(PROJECT_ROOT, 'reports'));
    assertWritableDir(reportDir, '--report-dir');
    const baselineFile = resolve(flags.baseline ?? join(PROJECT_ROOT, 'suites/baseline.json'));
    const baseline = loadBaseline(baselineFile);
    // The heavy stages load only now: listing the rules or a bad flag never pays for them.
    const [{ runJob }, { finishRun }, { TrafficDigest }, { releaseBodies }] = await Promise.all([
      import('../run/job'),
      import('../report/finish'),
      import('../drift/observed'),
      import('../rules/rule'),
    ]);
    const contract = await runContract(flags, io, mode);
    const operations = selectOperations(contract.model, flags.resource);
    // --id OperationId=VALUE (repeatable) fills a fetch's last path parameter; TWILIO_<ITEM>_ID
    // (TWILIO_SESSION_ID for the Sessions fetch) is the shorthand for a top-level fetch.
    const pathValues = { ...fetchIdsFromEnv(contract.model, io.env), ...idFlags(contract.model, flags.id) };

    // SIGINT, SIGTERM: nothing new is sent; what the run made is undone (on a transport of its own),
    // and the reports are written.
    const transports: Array<{ stop(why: string): void }> = [];
    const onSignal = (signal: NodeJS.Signals) => {
      io.err(`${signal}: stopping; undoing what the run made, then writing the reports`);
      for (const t of transports) t.stop(`stopped by ${signal}`);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const startedAt = new Date().toISOString();
    const started = performance.now();
    let runs: RunResult[];
    const traffic = new TrafficDigest(contract);
    let current = '';
    let provider: string | undefined;
    try {
      runs = await runJob({
        target,
        env: io.env,
        contract,
        baseUrl: flags['base-url'],
        budget,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(retries !== undefined ? { maxRetries: retries } : {}),
        ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
        // The clock starts now: set-up (a local provider) counts against the deadline too.
        deadline: Date.now() + deadlineSeconds * 1000,
        recordingsDir: resolve(flags.recordings ?? join(PROJECT_ROOT, 'suites/recordings')),
        ...(items !== undefined ? { items } : {}),
        seed,
        paginationSeed: seed,
        ...(flags.fault !== undefined ? { fault: flags.fault } : {}),
        rules,
        ...(operations ? { operations } : {}),
        pagination: !flags['no-pagination'],
        ...(paginationBudget !== undefined ? { paginationBudget } : {}),
        ...(paginationRuns !== undefined ? { paginationRuns } : {}),
        pageSizePolicy: policy,
        concurrency,
        // TWILIO_<ITEM>_ID names the item to fetch on a live account (else the first listed).
        pathValues,
        ...(flags.writes !== undefined ? { writesAccount: flags.writes } : {}),
        ...(flags['read-only'] ? { readOnly: true } : {}),
        ...(writeBudget !== undefined ? { writeBudget } : {}),
        ...(processingSeconds !== undefined ? { processingBoundMs: processingSeconds * 1000 } : {}),
        journalDir: join(reportDir, 'journal'),
        sourceArgs: sourceArgs(flags),
        onJournal: (file, command) =>
          io.out(`  writes journalled in ${file}; should the run be killed: ${command}`),
        onTarget: (t) => {
          // Printed once the flags have been accepted (a base URL carrying credentials never is).
          if (!current) io.out(`seed ${seed}: ${replay} replays this run`);
          current = t.transport.target;
          if (t.provider)
            provider = [
              'npm run provider --',
              '--port',
              new URL(t.provider.url).port,
              '--items',
              String(items ?? 30),
              '--seed',
              String(seed),
              ...(flags.fault !== undefined ? ['--fault', shellWord(flags.fault)] : []),
            ].join(' ');
          transports.push(t.transport);
          io.out(
            `▶ ${t.transport.target} (${t.transport.baseUrl}), contract: ${mode}${t.transport.writes && !t.recorded ? ', writes allowed' : ''}`,
          );
        },
        // Each run's traffic is digested as it ends and its bodies let go (a thousand cassettes).
        onRun: (run) => {
          traffic.add(run.target, run.observations);
          releaseBodies(run.observations);
        },
        // --verbose: each pagination property and each rule as it ends, on each target.
        onProperty: (r) =>
          verbose &&
          io.out(
            `    · ${r.rule} ${r.operation}: ${r.outcome}${r.requests !== undefined ? `, ${r.requests} requests` : ''}`,
          ),
        onRule: (_group, results) => {
          // ✖ only for what fails the run: an error the baseline does not accept. The write rules
          // end as one group: a line each, counted as in the summary.
          const blocks = (f: Finding) =>
            isBlocking(f) && !acceptedBy(baseline, { ...f, target: f.target ?? current });
          if (verbose)
            for (const c of ruleCounts(
              [{ results }],
              results.flatMap((r) => r.findings),
              blocks,
            ))
              io.out(`  ${current}:${ruleLine(c).slice(1)}`);
        },
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    // Credentials the API refused, another account's answers, no TLS: nothing judged, one line.
    const access = runs.find((r) => r.access)?.access;
    if (access) {
      io.err(`conformance: ${access}`);
      return 2;
    }
    const done = finishRun(runs, {
      contract,
      baselineFile,
      baseline,
      reportDir,
      startedAt,
      durationMs: Math.round(performance.now() - started),
      concurrency,
      updateBaseline: flags['update-baseline'] === true,
      allowUnjudged: flags['allow-unjudged'] === true,
      rules,
      traffic,
      seed,
      replay,
      ...(provider ? { provider } : {}),
    });
    for (const line of runReport(runs, done, {
      verbose,
      replay,
      ...(flags['update-baseline'] ? { baselineWritten: baselineFile } : {}),
    }))
      io.out(line);
    const status = done.report.verdict.status;
    return status === 'passed' ? 0 : status === 'unavailable' ? 3 : 1;
  },
  HELP,
);

await runIfMain(conformance, import.meta.url);
