// npm run record -- [--target live|local] [--base-url URL] [--out FILE] [--label TEXT] [--redact-account]
// npm run record -- --from-docs [--docs FILE|DIR]… [--out FILE]
// Live recording needs the same credentials as the conformance runner; none reach the cassette.

import { join, resolve } from 'node:path';
import { UsageError } from '../errors';
import { stableJson, writeFileAtomic } from '../fs-atomic';
import { buildModel } from '../model/build';
import { journalLine } from '../report/summary';
import { defaultJournalDir, Journal, runTag } from '../run/journal';
import { runPlan } from '../run/plan';
import { endWrites, startWrites, type WriteRunOptions } from '../run/run-writes';
import type { Finished } from '../run/writes/finish';
import type { Contract } from '../schemas/contract';
import { parseDocsPage } from '../sources/docs-page';
import { PROJECT_ROOT, readSource, sourcePaths } from '../sources/paths';
import { LOCAL_PROVIDER_CREDENTIALS, type PreparedTarget, prepareTargets } from '../targets/targets';
import { credentialsFromEnv, secretsOf } from '../transport/credentials';
import { cassetteFromDocs, cassetteFromRecording, recordExchanges } from '../transport/recorder';
import { command, type Io, parseFlags, runIfMain } from './run';
import { runContract, SOURCE_FLAGS, SOURCE_HELP } from './sources';

const HELP = `
Usage: npm run record -- [--target live|local] [--base-url URL] [--writes AccountSid] [--out FILE] [--label TEXT] [--redact-account]
       npm run record -- --from-docs [--docs FILE|DIR]… [--out FILE]
Records the plan's exchanges as a cassette (credentials never stored; the host is the one the
spec names). With writes allowed (the local target, or --writes live) every operation is recorded:
arrange, writes and refusals, reads, undo. --from-docs makes a cassette of the docs pages' examples.
${SOURCE_HELP}
Examples
  npm run record -- --target local --out suites/recordings/local-provider.json
  npm run record -- --from-docs
`;

export const record = command(
  'record',
  async (args, io) => {
    const flags = parseFlags(
      {
        target: { type: 'string' },
        'base-url': { type: 'string' },
        out: { type: 'string' },
        label: { type: 'string' },
        'redact-account': { type: 'boolean' },
        'from-docs': { type: 'boolean' },
        ...SOURCE_FLAGS,
        writes: { type: 'string' },
        'read-only': { type: 'boolean' },
      },
      args,
      io,
    );
    const recordings = join(PROJECT_ROOT, 'suites/recordings');
    if (flags['from-docs']) {
      if (flags.spec !== undefined || flags.schemas !== undefined)
        throw new UsageError('--from-docs: reads the docs pages alone (not --spec or --schemas)');
      return fromDocs(io, flags.docs, resolve(flags.out ?? join(recordings, 'docs-examples.json')));
    }
    const target = flags.target ?? 'live';
    if (target !== 'live' && target !== 'local')
      throw new UsageError(`--target: expected live|local, got "${target}"`);
    const env = io.env;
    const accountSid = target === 'live' ? credentialsFromEnv(env).accountSid : undefined;
    const contract = await runContract(flags, io, 'both');
    const [prepared] = await prepareTargets({
      target,
      contract,
      baseUrl: flags['base-url'],
      recordingsDir: recordings,
      env,
      ...(flags.writes !== undefined ? { writesAccount: flags.writes } : {}),
      ...(flags['read-only'] ? { readOnly: true } : {}),
    });
    if (!prepared) return 2;
    const { exchanges, left, stopped } = await recordOn(prepared, contract, target, io);
    // Credentials every answer refused: a cassette of 401s is no recording (one line, exit 2).
    if (target === 'live' && refused(exchanges)) {
      io.err(
        `record: the credentials were refused: every request with them answered 401 or 403; check ${env.TWILIO_API_KEY ? 'TWILIO_API_KEY and TWILIO_API_SECRET' : 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN'}; nothing was recorded`,
      );
      return 2;
    }
    const cassette = cassetteFromRecording(exchanges, {
      label: flags.label ?? `${target} recording, ${new Date().toISOString().slice(0, 10)}`,
      source: target === 'local' ? 'local-provider' : 'live',
      secrets: target === 'live' ? secretsOf(env) : [LOCAL_PROVIDER_CREDENTIALS.password],
      ...(flags['redact-account'] && accountSid ? { redactAccount: accountSid } : {}),
      ...(contract.model.api.origin ? { origin: contract.model.api.origin } : {}),
    });
    const out = resolve(
      flags.out ?? join(recordings, `${target}-${new Date().toISOString().slice(0, 10)}.json`),
    );
    writeFileAtomic(out, stableJson(cassette));
    io.out(
      `recorded ${cassette.interactions.length} interactions (${prepared.transport.requestsSent} requests) to ${out}`,
    );
    return outcome(io, prepared, left, stopped);
  },
  HELP,
);

/** Every answer to a request with the credentials refused them (401, 403), and there was one. */
function refused(exchanges: Recorded): boolean {
  const answered = exchanges.filter((e) => e.request.authenticated && e.response);
  return answered.length > 0 && answered.every((e) => [401, 403].includes(e.response?.status ?? 0));
}

/** --from-docs: a cassette of the docs pages' examples. */
function fromDocs(io: Io, docs: string[] | undefined, out: string): number {
  const paths = sourcePaths(docs ? { docs } : {}, io.env).docs;
  if (paths.length === 0) throw new UsageError('no *.docs.txt page to take examples from (--docs FILE)');
  const model = buildModel({ pages: paths.map((p) => parseDocsPage(readSource(p, 'docs page'), p)) });
  const cassette = cassetteFromDocs(model);
  writeFileAtomic(out, stableJson(cassette));
  io.out(`wrote ${cassette.interactions.length} interactions from ${paths.join(', ')} to ${out}`);
  return 0;
}

type Recorded = Awaited<ReturnType<typeof recordExchanges>>;

/**
 * Writes allowed: every operation recorded — what the reads need arranged, every write and its
 * refusals, the reads on that data, then what the run made undone (outside the request cap, swept
 * for the tag); journalled like any run. The reads the writes made to check themselves are left out:
 * a replay serves one state of the data.
 */
async function recordWithWrites(
  t: PreparedTarget,
  contract: Contract,
  writes: WriteRunOptions,
  phase: (reads: boolean, work: () => Promise<void>) => Promise<void>,
  exchanges: Recorded,
): Promise<{ left?: Finished; stopped?: string }> {
  let started: Awaited<ReturnType<typeof startWrites>> | undefined;
  let left: Finished | undefined;
  try {
    // Processing finished before the reads are recorded: a cassette holds one state of the data.
    await phase(false, async () => {
      started = await startWrites(contract, writes);
      await started.arranged?.settled;
    });
    const hints = started?.arranged?.hints;
    await phase(true, () => runPlan(t.transport, contract, hints ? { pathHints: hints } : {}).then(() => {}));
  } finally {
    const session = started?.session;
    const seen = await recordExchanges(writes.cleanup, async () => {
      if (session) left = await endWrites(session, writes);
      else writes.journal.close();
    });
    exchanges.push(...seen.filter((e) => e.request.method !== 'GET'));
  }
  // Why writing stopped before it was done (another account's answers, a census of another account):
  // the cassette is not what was asked for, and the run says so.
  const stopped = started?.stopped ?? started?.session.stopped;
  return { ...(left ? { left } : {}), ...(stopped ? { stopped } : {}) };
}

/** What the recording's end says: the request cap when it was reached, and anything it left (exit 1). */
function outcome(io: Io, t: PreparedTarget, left: Finished | undefined, stopped?: string): number {
  if (t.transport.requestsSent >= t.transport.budget)
    io.out(
      `  the request cap of ${t.transport.budget} was reached: the cassette holds what was sent before it${left?.done ? '; what the recording made was then undone, outside the cap' : ''}`,
    );
  if (left && !left.done) {
    io.err(
      `FAILED: the recording left ${left.left.length} item(s) behind${left.incomplete.length ? ' and a sweep for its tag did not finish' : ''}; run: ${cleanupCommandOf(t, io.env)}`,
    );
    return 1;
  }
  if (stopped) {
    io.err(`FAILED: ${/writing stopped/.test(stopped) ? stopped : `writing stopped: ${stopped}`}`);
    return 1;
  }
  return 0;
}

const cleanupCommandOf = (t: PreparedTarget, env: NodeJS.ProcessEnv): string =>
  `npm run cleanup -- --base-url ${t.transport.baseUrl} --writes ${t.account ?? '<AccountSid>'} --journal-dir ${defaultJournalDir(env)}`;

/** A recording's writes: journalled like a run's (in $CONFORMANCE_JOURNAL_DIR when set), undone on a transport of their own (no request cap). */
function recordingWrites(t: PreparedTarget, tag: string, env: NodeJS.ProcessEnv): WriteRunOptions {
  const journal = Journal.start(defaultJournalDir(env), tag, {
    baseUrl: t.transport.baseUrl,
    ...(t.account ? { account: t.account } : {}),
    message: 'npm run record',
  });
  return {
    transport: t.transport,
    cleanup: t.transport.forCleanup(),
    journal,
    tag,
    seed: 1,
    ...(t.account ? { account: t.account } : {}),
    cleanupCommand: cleanupCommandOf(t, env),
    // Three items a list: a next page at PageSize 2, and a smaller cassette to replay.
    perList: 3,
    pollMs: 50,
  };
}

/** What the plan sends, recorded (with writes allowed: arrange, writes, reads, undo; journalled). */
async function recordOn(
  prepared: PreparedTarget,
  contract: Contract,
  target: string,
  io: Io,
): Promise<{ exchanges: Recorded; left?: Finished; stopped?: string }> {
  const exchanges: Recorded = [];
  /** Records what `work` sends: writes always, reads only when `reads` (one state of the data per cassette). */
  const phase = async (reads: boolean, work: () => Promise<void>) => {
    const seen = await recordExchanges(prepared.transport, work);
    exchanges.push(...seen.filter((e) => reads || e.request.method !== 'GET'));
  };
  try {
    if (!prepared.transport.writes) {
      await phase(true, () => runPlan(prepared.transport, contract).then(() => {}));
      return { exchanges };
    }
    const writes = recordingWrites(prepared, target === 'local' ? 'conformance-record' : runTag(), io.env);
    io.out(journalLine(writes.journal.file, writes.cleanupCommand, prepared.provider !== undefined));
    return { exchanges, ...(await recordWithWrites(prepared, contract, writes, phase, exchanges)) };
  } finally {
    await prepared.close();
  }
}

await runIfMain(record, import.meta.url);
