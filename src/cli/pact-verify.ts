// npm run pact:verify -- [--base-url URL] [--contracts DIR] [--schemas DIR]
// Without --base-url: starts the local reference provider and verifies against it.

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors';
import { pactParticipants } from '../model/api';
import {
  type Broker,
  type BrokerPact,
  brokerFromEnv,
  fetchPactsForVerification,
  publishPacts,
  publishVerificationResult,
  registerProviderBranch,
} from '../pact/broker';
import { preflightProblem } from '../pact/preflight';
import type { StateWrites } from '../pact/provider-states';
import {
  assertPactFiles,
  assertPactsOf,
  isWriteInteraction,
  stateWritesTo,
  VerificationProblems,
  verifyOnLocalProvider,
  verifyPacts,
  writeInteractions,
} from '../pact/verify';
import { runTag } from '../run/journal';
import { finishWrites } from '../run/writes/finish';
import type { Contract } from '../schemas/contract';
import { PROJECT_ROOT } from '../sources/paths';
import { baseUrlFrom, credentialsFromEnv, writableAccount } from '../transport/credentials';
import { inChild, markedIo, runInChild } from './child';
import { command, type Io, intFlag, parseFlags, runIfMain } from './run';
import { runContract, SOURCE_FLAGS, SOURCE_HELP } from './sources';

const HELP = `
Usage: npm run pact:verify -- [--base-url URL [--writes AccountSid | --only-reads]] [--contracts DIR] [--log-level LEVEL]
Verifies the committed pacts (contracts/) against the local reference provider (default, states set
up in-process) or any base URL. Write interactions against a base URL need --writes naming the
credentials' account; --only-reads leaves them out. Exit 0 passed, 1 a mismatch, 2 bad input.

  --log-level error|warn|info|debug|trace   default warn
  --deadline SECONDS   a verification not finished by then is stopped (default 600): exit 1
  --report-dir DIR     Pact's own output goes to DIR/pact/verify.log (default reports/), the
                       journal of write states to DIR/journal; on a failure Pact's Failures
                       section is printed too
  --pact-output        print all of Pact's output as well
${SOURCE_HELP}
  (every pact must be with the model's API: its provider is twilio-<product>-<version>)
Environment: TWILIO_* credentials (base URL); PACT_BROKER_BASE_URL with PACT_BROKER_TOKEN (or
PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD) to publish; PACT_PUBLISH_VERIFICATION=true
Examples
  npm run pact:verify
  npm run pact:verify -- --base-url https://<product>.twilio.com --only-reads
`;

export const pactVerify = command(
  'pact:verify',
  async (args, io) => {
    const flags = parseFlags(
      {
        'base-url': { type: 'string' },
        contracts: { type: 'string' },
        ...SOURCE_FLAGS,
        'log-level': { type: 'string' },
        writes: { type: 'string' },
        'only-reads': { type: 'boolean' },
        deadline: { type: 'string' },
        'report-dir': { type: 'string' },
        'pact-output': { type: 'boolean' },
      },
      args,
      io,
    );
    const logLevel = (flags['log-level'] ?? 'warn') as 'warn';
    const LEVELS = ['error', 'warn', 'info', 'debug', 'trace'];
    if (!LEVELS.includes(logLevel))
      throw new UsageError(`--log-level: expected ${LEVELS.join('|')}, got "${flags['log-level']}"`);
    const deadlineSeconds = intFlag(flags.deadline, '--deadline', 1, 86_400) ?? DEFAULT_DEADLINE_SECONDS;
    // The verification always runs in a child (src/cli/child.ts): Pact's native core writes to the
    // streams itself (only a pipe lets every line through the redactor and into the log) and blocks
    // its thread (only another process can stop it at the deadline).
    const reportDir = resolve(flags['report-dir'] ?? join(PROJECT_ROOT, 'reports'));
    if (!inChild(io))
      return runInChild(args, io, {
        name: 'pact:verify',
        bundle: 'pact-verify',
        logFile: join(reportDir, 'pact', 'verify.log'),
        showNative: flags['pact-output'] === true,
        // Pact's readable diff: its Failures section.
        showFrom: /^Failures:/,
        deadlineSeconds,
        // Its write states are journalled before each is sent: the cleanup finds what they made.
        ...(flags.writes !== undefined && flags['base-url']
          ? {
              whenStopped: `what its provider states made may be left: run npm run cleanup -- --base-url ${flags['base-url']} --writes ${flags.writes} --journal-dir ${join(reportDir, 'journal')}`,
            }
          : {}),
      });
    if (inChild(io)) io = markedIo(io);
    if (flags['only-reads'] && flags.writes !== undefined)
      throw new UsageError(
        '--only-reads: not with --writes (one verifies the reads alone, the other every interaction)',
      );
    const contract = await runContract(flags, io, 'both');
    const { files, broker, fromBroker } = await pactsToVerify(flags, contract, io);

    try {
      await verify(
        files,
        contract,
        flags['base-url'],
        broker && fromBroker ? { broker, pacts: fromBroker } : undefined,
        logLevel,
        io,
        flags.writes,
        join(reportDir, 'journal'),
      );
    } catch (error) {
      if (error instanceof UsageError) throw error;
      for (const line of error instanceof VerificationProblems ? error.lines : [])
        io.err(`pact:verify: ${line}`);
      io.err(`pact:verify: verification failed: ${failureLine(error)}`);
      return 1;
    }
    io.out('pact verification passed');
    return 0;
  },
  HELP,
);

/**
 * The pacts a verification judges: the contracts folder's (each checked to be a pact of the model's
 * API), published to a broker when one is set; with PACT_PUBLISH_VERIFICATION, the broker's own pacts
 * instead (checked like local files before anything reaches the provider); --only-reads leaves out
 * the writes.
 */
async function pactsToVerify(
  flags: { contracts?: string; 'base-url'?: string; 'only-reads'?: boolean },
  contract: Contract,
  io: Io,
): Promise<{ files: string[]; broker?: Broker; fromBroker?: BrokerPact[] }> {
  const dir = resolve(flags.contracts ?? join(PROJECT_ROOT, 'contracts'));
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(dir, f));
  } catch {
    throw new UsageError(`contracts folder ${dir}: not found`);
  }
  assertPactFiles(files);
  assertPactsOf(files, contract.model.api);
  const broker = brokerFromEnv(io.env);
  if (broker) await publishPacts(broker, files, io.out);
  else io.out('publishing skipped: PACT_BROKER_BASE_URL is not set');
  let fromBroker: BrokerPact[] | undefined;
  if (broker && flags['base-url'] !== undefined && io.env.PACT_PUBLISH_VERIFICATION === 'true') {
    const { provider } = pactParticipants(contract.model.api);
    fromBroker = await fetchPactsForVerification(
      broker,
      provider,
      mkdtempSync(join(tmpdir(), 'pact-broker-')),
      io.out,
    );
    files = fromBroker.map((p) => p.file);
    assertPactFiles(files);
  }
  if (flags['only-reads']) {
    files = readsOnly(files);
    if (fromBroker) fromBroker = fromBroker.map((p, i) => ({ ...p, file: files[i] as string }));
    io.out('--only-reads: the write interactions are left out of this verification');
  }
  return { files, ...(broker ? { broker } : {}), ...(fromBroker ? { fromBroker } : {}) };
}

async function verify(
  files: string[],
  contract: Contract,
  baseUrlFlag: string | undefined,
  publishTo: { broker: Broker; pacts: BrokerPact[] } | undefined,
  logLevel: 'warn',
  io: Io,
  writesFlag: string | undefined,
  journalDir: string,
) {
  // The files were checked where they were read (local or fetched from the broker).
  const writes = writeInteractions(files);
  if (baseUrlFlag === undefined) {
    // The reference provider goes with the verification: its journal is throwaway too.
    await verifyOnLocalProvider({
      pactFiles: files,
      contract,
      logLevel,
      onStart: (url) =>
        io.out(`verifying ${files.length} pact file(s) against the local reference provider at ${url}`),
    });
  } else {
    const baseUrl = baseUrlFrom(baseUrlFlag, io.env, contract.model.api);
    const credentials = credentialsOrLoopbackPlaceholder(baseUrl, io.env);
    // A pact may only make the verification write where the user allowed it, checked before anything is sent.
    if (writes.length && writesFlag === undefined)
      throw new UsageError(
        `${writes.length} interaction(s) are writes (${writes[0]}…): verify them against ${baseUrl} only with --writes <AccountSid> naming that disposable account; nothing was sent`,
      );
    if (writesFlag !== undefined) writableAccount(writesFlag, io.env);
    const problem = await preflightProblem(contract, baseUrl, credentials, credentialsNamed(io.env));
    if (problem) throw new UsageError(problem);
    const stateWrites =
      writesFlag !== undefined
        ? stateWritesTo(contract, baseUrl, credentials, runTag(), journalDir, {
            account: writesFlag,
            env: io.env,
          })
        : undefined;
    io.out(`verifying ${files.length} pact file(s) against ${baseUrl}`);
    const verifyFiles = (pactFiles: string[]) =>
      verifyPacts({
        pactFiles,
        contract,
        baseUrl,
        credentials,
        logLevel,
        ...(stateWrites ? { writes: stateWrites } : {}),
      });
    let failure: unknown;
    try {
      await verifyAll(files, publishTo, verifyFiles, io, pactParticipants(contract.model.api).provider);
    } catch (error) {
      failure = error;
    }
    const left = stateWrites ? await finishStates(contract, stateWrites, io) : undefined;
    if (left && failure) io.err(`pact:verify: ${left}`);
    if (failure) throw failure;
    if (left) throw new Error(left);
  }
}

/** The files verified, or each broker pact on its own with its result published there. */
async function verifyAll(
  files: string[],
  publishTo: { broker: Broker; pacts: BrokerPact[] } | undefined,
  verifyFiles: (files: string[]) => Promise<void>,
  io: Io,
  provider: string,
): Promise<void> {
  if (!publishTo) return verifyFiles(files);
  await registerProviderBranch(publishTo.broker, provider);
  let failure: unknown;
  for (const pact of publishTo.pacts) {
    let success = true;
    try {
      await verifyFiles([pact.file]);
    } catch (error) {
      success = false;
      failure ??= error;
    }
    await publishVerificationResult(publishTo.broker, pact, success);
  }
  io.out(`verification results published for ${publishTo.pacts.length} pact(s)`);
  if (failure) throw failure;
}

/** Whatever the verification's states made is undone (swept where an answer was lost); what is left, said. */
async function finishStates(contract: Contract, writes: StateWrites, io: Io): Promise<string | undefined> {
  const s = writes.session;
  try {
    const f = await finishWrites({
      contract,
      transport: s.o.cleanup,
      journal: s.journal,
      entries: () => s.journal.entries,
    });
    if (f.done) return undefined;
    for (const l of f.left) io.err(`  left: ${l.list ?? l.write} ${l.id ?? ''}: ${l.why}`);
    for (const i of f.incomplete) io.err(`  a sweep for ${s.tag} could not read every page: ${i}`);
    return `what the provider states made is not all removed; run: npm run cleanup -- --base-url ${s.o.transport.baseUrl} --writes ${s.o.account ?? '<AccountSid>'} --journal-dir ${dirname(s.journal.file)}`;
  } finally {
    s.journal.close();
  }
}

/** What failed, in one line: Pact's mismatches (its readable diff is above), the proxy's problems (listed above), or why. */
function failureLine(error: unknown): string {
  const pact = (e: unknown) => {
    const first = e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
    return /"result":"Error"/.test(first)
      ? 'one or more interactions did not match (see the diff above)'
      : first.slice(0, 200);
  };
  if (!(error instanceof VerificationProblems)) return pact(error);
  const lines = `${error.lines.length} problem(s) found between Pact and the provider (listed above)`;
  return error.cause === undefined ? lines : `${lines}; ${pact(error.cause)}`;
}

/** The variables that hold the credentials, for the line that says they were refused. */
const credentialsNamed = (env: NodeJS.ProcessEnv) =>
  env.TWILIO_API_KEY ? 'TWILIO_API_KEY and TWILIO_API_SECRET' : 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN';

/** A loopback provider started without credentials accepts any well-formed pair; elsewhere they are required. */
function credentialsOrLoopbackPlaceholder(baseUrl: string, env: NodeJS.ProcessEnv) {
  const loopback = /^127\./.test(new URL(baseUrl).hostname);
  if (loopback && !env.TWILIO_ACCOUNT_SID) return { username: `AC${'0'.repeat(32)}`, password: 'loopback' };
  const { username, password } = credentialsFromEnv(env);
  return { username, password };
}

/** Copies of the pacts with their GET interactions only (in a folder of their own). */
function readsOnly(files: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'pact-reads-'));
  return files.map((file) => {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      interactions: Array<{ request?: { method?: string } }>;
    };
    const out = join(dir, basename(file));
    const interactions = doc.interactions.filter((i) => !isWriteInteraction(i));
    writeFileSync(out, JSON.stringify({ ...doc, interactions }));
    return out;
  });
}

/** Unless --deadline says otherwise, a verification that has not finished by then is stopped. */
const DEFAULT_DEADLINE_SECONDS = 600;

await runIfMain(pactVerify, import.meta.url);
