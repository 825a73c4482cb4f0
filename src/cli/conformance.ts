// npm run conformance -- [--target recorded|live|local] [--base-url URL] [--only RULE,…] [--resource NAME]…
//   [--budget N] [--report-dir DIR] [--contract docs|spec|both] [--baseline FILE] [--update-baseline]
//   [--list-checks] … (see the README)

import { randomInt } from 'node:crypto';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors';
import { loadBaseline } from '../findings/baseline';
import { assertWritableDir } from '../fs-atomic';
import { fetchIdsFromEnv, idFlags, ModelIndex, selectOperations } from '../model/model';
import type { ConformanceOptions } from '../report/conformance-command';
import { RULES, selectRules } from '../report/rules';
import { conformanceReplay } from '../rules/curl';
import type { PageSizePolicy } from '../rules/pagination/properties';
import { judgedScenario } from '../rules/writes/rules';
import type { JobOptions } from '../run/job';
import type { Contract } from '../schemas/contract';
import { CONTRACT_MODES, type ContractMode } from '../schemas/ids';
import { PROJECT_ROOT } from '../sources/paths';
import { TARGETS, type TargetKind } from '../targets/kinds';
import { command, type Io, intFlag, parseFlags, runIfMain } from './run';
import { runContract, SOURCE_FLAGS, SOURCE_HELP, sourceArgs } from './sources';

/** Node's timers hold at most 2^31 − 1 ms; a larger timeout would silently become 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;
/** Unless --deadline says otherwise, a whole run stops sending after this long and still writes its reports. */
const HELP = `
Usage: npm run conformance -- [flags]
Judges the API against its contract: every named rule on every operation, on recordings (default),
a live target, or the local reference provider. Exit 0 passed, 1 a blocking error, an operation
not judged or no operation judged at all, 2 bad input (nothing sent) or nothing judged because the
run had to stop (credentials refused, answers of another account, no TLS at an https:// URL), 3
unavailable (every blocking error a network or provider error).

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
  --dry-run                      print the plan (the reads in waves, the writes and their refusals) and
                                 exit: nothing is sent
  --verbose                      also each rule and property per target as it ends, the rule × target
                                 table and every warning and accepted error (default: per rule one line)

Limits
  --budget N (live 200)  --pagination-budget N (live 600)  --write-budget N (400; local: 60 a write)  --pagination-runs N
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

const FLAGS = {
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
  'dry-run': { type: 'boolean' },
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
} as const;

type Flags = ReturnType<typeof parseFlags<typeof FLAGS>>;

/**
 * The target: --target, else the one the target-only flags name. A flag that belongs to one target
 * is a usage error with another (a flag never silently does nothing).
 */
function targetOf(flags: Flags): TargetKind {
  const owned: Array<[string, boolean, TargetKind]> = [
    ['--base-url', flags['base-url'] !== undefined, 'live'],
    ['--writes', flags.writes !== undefined, 'live'],
    ['--fault', flags.fault !== undefined, 'local'],
    ['--items', flags.items !== undefined, 'local'],
    ['--read-only', flags['read-only'] === true, 'local'],
    ['--recordings', flags.recordings !== undefined, 'recorded'],
  ];
  const given = owned.filter(([, g]) => g);
  const implied = [...new Set(given.map(([, , t]) => t))];
  if (flags.target === undefined && implied.length > 1)
    throw new UsageError(
      `${given.map(([f]) => f).join(', ')}: these flags belong to different targets (${implied.join(', ')}); choose one with --target`,
    );
  const target = (flags.target ?? implied[0] ?? 'recorded') as TargetKind;
  if (!TARGETS.includes(target))
    throw new UsageError(`--target: expected ${TARGETS.join('|')}, got "${flags.target}"`);
  for (const [flag, , needs] of given)
    if (needs !== target)
      throw new UsageError(`${flag}: only for --target ${needs}, and this run's target is ${target}`);
  return target;
}

/** The transport's and the properties' limits. */
function limitsOf(flags: Flags, target: TargetKind) {
  const policy = (flags['page-size-policy'] ?? 'reject') as PageSizePolicy;
  if (policy !== 'reject' && policy !== 'clamp')
    throw new UsageError(`--page-size-policy: expected reject|clamp, got "${policy}"`);
  const budget = intFlag(flags.budget, '--budget', 1, 1_000_000);
  const timeoutMs = intFlag(flags.timeout, '--timeout', 1, MAX_TIMER_MS);
  const retries = intFlag(flags.retries, '--retries', 0, 10);
  const maxBodyBytes = intFlag(flags['max-body'], '--max-body', 1, 1024 ** 3);
  const paginationBudget = intFlag(flags['pagination-budget'], '--pagination-budget', 1, 1_000_000);
  const paginationRuns = intFlag(flags['pagination-runs'], '--pagination-runs', 1, 10_000);
  const deadlineSeconds = intFlag(flags.deadline, '--deadline', 1, 86_400) ?? DEFAULT_DEADLINE_SECONDS;
  return {
    concurrency: intFlag(flags.concurrency, '--concurrency', 1, 64) ?? DEFAULT_CONCURRENCY[target],
    job: {
      budget,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(retries !== undefined ? { maxRetries: retries } : {}),
      ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
      ...(paginationBudget !== undefined ? { paginationBudget } : {}),
      ...(paginationRuns !== undefined ? { paginationRuns } : {}),
      pageSizePolicy: policy,
      pagination: !flags['no-pagination'],
      // The clock starts now: set-up (a local provider) counts against the deadline too.
      deadline: Date.now() + deadlineSeconds * 1000,
    },
  };
}

/** What a run that writes may spend; refused on a run that does not write. */
function writeLimitsOf(flags: Flags, target: TargetKind) {
  const writeBudget = intFlag(flags['write-budget'], '--write-budget', 1, 1_000_000);
  const processing = intFlag(flags['processing-timeout'], '--processing-timeout', 1, 86_400);
  const writes = target === 'local' ? !flags['read-only'] : target === 'live' && flags.writes !== undefined;
  for (const [flag, given] of [
    ['--write-budget', writeBudget !== undefined],
    ['--processing-timeout', processing !== undefined],
  ] as const)
    if (given && !writes)
      throw new UsageError(`${flag}: only for a run that writes (--writes AccountSid, or the local target)`);
  return {
    writes,
    job: {
      ...(flags.writes !== undefined ? { writesAccount: flags.writes } : {}),
      ...(flags['read-only'] ? { readOnly: true } : {}),
      ...(writeBudget !== undefined ? { writeBudget } : {}),
      ...(processing !== undefined ? { processingBoundMs: processing * 1000 } : {}),
    },
  };
}

/** The job over this contract: target, data, selection, ids known in advance. */
function jobOf(
  flags: Flags,
  io: Io,
  contract: Contract,
  base: Partial<JobOptions> & { target: TargetKind; seed: number },
) {
  const items = intFlag(flags.items, '--items', 0, 1_000_000);
  const only = flags.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const operations = selectOperations(contract.model, flags.resource);
  return {
    ...base,
    env: io.env,
    contract,
    baseUrl: flags['base-url'],
    recordingsDir: resolve(flags.recordings ?? join(PROJECT_ROOT, 'suites/recordings')),
    ...(items !== undefined ? { items } : {}),
    paginationSeed: base.seed,
    ...(flags.fault !== undefined ? { fault: flags.fault } : {}),
    rules: selectRules(only),
    ...(operations ? { operations } : {}),
    // --id OperationId=VALUE fills a fetch's last path parameter; TWILIO_<ITEM>_ID is the shorthand.
    pathValues: { ...fetchIdsFromEnv(contract.model, io.env), ...idFlags(contract.model, flags.id) },
    sourceArgs: sourceArgs(flags),
  };
}

/** Everything the flags decide, checked before anything is sent. */
async function optionsOf(flags: Flags, args: readonly string[], io: Io): Promise<ConformanceOptions> {
  const target = targetOf(flags);
  const mode = (flags.contract ?? 'both') as ContractMode;
  if (!CONTRACT_MODES.includes(mode))
    throw new UsageError(`--contract: expected ${CONTRACT_MODES.join('|')}, got "${flags.contract}"`);
  const limits = limitsOf(flags, target);
  const writing = writeLimitsOf(flags, target);
  // Every run has a seed, its own when not given: printed, in the reports and in each finding's replay.
  const seed = intFlag(flags.seed, '--seed', 0, 2 ** 31 - 1) ?? randomInt(2 ** 31 - 1);
  const reportDir = resolve(flags['report-dir'] ?? join(PROJECT_ROOT, 'reports'));
  assertWritableDir(reportDir, '--report-dir');
  const baselineFile = resolve(flags.baseline ?? join(PROJECT_ROOT, 'suites/baseline.json'));
  const baseline = loadBaseline(baselineFile);
  const contract = await runContract(flags, io, mode);
  const base = {
    target,
    seed,
    concurrency: limits.concurrency,
    ...limits.job,
    ...writing.job,
    journalDir: join(reportDir, 'journal'),
  };
  return {
    job: jobOf(flags, io, contract, base),
    contract,
    mode,
    reportDir,
    baselineFile,
    baseline,
    updateBaseline: flags['update-baseline'] === true,
    allowUnjudged: flags['allow-unjudged'] === true,
    verbose: flags.verbose === true,
    seed,
    replay: conformanceReplay(args, seed),
    concurrency: limits.concurrency,
  };
}

export const conformance = command(
  'conformance',
  async (args, io) => {
    const flags = parseFlags(FLAGS, args, io);
    if (flags['list-checks']) {
      for (const r of RULES) io.out(`${r.name.padEnd(42)} ${r.kind.padEnd(13)} ${r.asserts}`);
      return 0;
    }
    const o = await optionsOf(flags, args, io);
    if (flags['dry-run']) {
      const { planLines } = await import('../run/plan-data');
      const writes = writeLimitsOf(flags, targetOf(flags)).writes;
      io.out(`the plan on ${o.job.target} (nothing is sent):`);
      for (const line of planLines(o.contract, new ModelIndex(o.contract.model), {
        ...(flags.resource ? { resources: flags.resource } : {}),
        writes,
        recorded: o.job.target === 'recorded',
        ...(o.job.rules ? { refusals: judgedScenario((r) => o.job.rules?.has(r) === true) } : {}),
      }))
        io.out(`  ${line}`);
      return 0;
    }
    const { runConformanceCommand } = await import('../report/conformance-command');
    return runConformanceCommand(o, io);
  },
  HELP,
);

await runIfMain(conformance, import.meta.url);
