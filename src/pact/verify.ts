// Provider verification of the committed pacts: against the local reference provider (started
// here, states set up in-process) or any base URL (states found in existing data). Credentials
// are added by the verification proxy and never reach a pact file or a log.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors';
import { readTextFile } from '../fs-read';
import { type ApiInfo, pactParticipants } from '../model/api';
import { defaultJournalDir, Journal, pointTo } from '../run/journal';
import { WriteSession } from '../run/writes/session';
import type { Contract } from '../schemas/contract';
import { type ActiveFault, LOCAL_PROVIDER_CREDENTIALS, startProvider } from '../targets/targets';
import { type Credentials, HttpTransport } from '../transport/http';
import { InteractionIndex } from './interactions';
import {
  arrangeReads,
  READ_STATES,
  type ResizableProvider,
  type StateWrites,
  stateHandlers,
} from './provider-states';
import { type StateChange, startVerificationProxy } from './proxy';

/** The pact file of an API: its consumer and provider names (pactParticipants), as Pact names it. */
export function pactFileOf(api: ApiInfo): string {
  const { consumer, provider } = pactParticipants(api);
  return `${consumer}-${provider}.json`;
}

/** The provider a pact file names (its provider.name), read without checking the rest. */
export function pactProviderOf(file: string): string | undefined {
  try {
    const doc = JSON.parse(readTextFile(file, 'pact')) as { provider?: { name?: unknown } };
    return typeof doc.provider?.name === 'string' ? doc.provider.name : undefined;
  } catch {
    return undefined;
  }
}

export interface VerifyOptions {
  pactFiles: string[];
  contract: Contract;
  baseUrl: string;
  credentials: Credentials;
  local?: ResizableProvider;
  /** Live lookups for provider states are bounded like any live run. */
  budget?: number;
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
  /** Write interactions may be verified: the provider takes writes (local, or --writes for its account). */
  writes?: StateWrites;
}

/** Each pact must be with the model's API: one line naming the first that is with another. */
export function assertPactsOf(files: readonly string[], api: ApiInfo): void {
  const { provider } = pactParticipants(api);
  for (const file of files) {
    const named = pactProviderOf(file);
    if (named !== provider)
      throw new UsageError(
        `pact ${file}: its provider is ${JSON.stringify(named)}, not ${provider} (${api.title}, the model's API); give --contracts DIR with that API's pacts`,
      );
  }
}

/** A pact interaction whose request is not a GET (a request without a method is a GET). */
export const isWriteInteraction = (i: { request?: { method?: string } }): boolean =>
  String(i.request?.method ?? 'GET').toUpperCase() !== 'GET';

/** Interactions whose request is not a GET, by file: verified only where writes are allowed. */
export function writeInteractions(files: readonly string[]): string[] {
  return files.flatMap((file) => {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      interactions?: Array<{ description?: string; request?: { method?: string } }>;
    };
    return (doc.interactions ?? [])
      .filter(isWriteInteraction)
      .map((i) => `${String(i.request?.method).toUpperCase()} ${i.description ?? ''}`);
  });
}

/** Each file must be a pact: consumer, provider and interactions. One line naming the file if not. */
export function assertPactFiles(files: readonly string[]): void {
  if (files.length === 0) throw new UsageError('no pact files to verify (contracts/ is empty)');
  for (const file of files) {
    let doc: unknown;
    try {
      doc = JSON.parse(readTextFile(file, 'pact'));
    } catch (error) {
      throw new UsageError(`pact ${file}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
    }
    const p = doc as { consumer?: { name?: unknown }; provider?: { name?: unknown }; interactions?: unknown };
    if (
      typeof p?.consumer?.name !== 'string' ||
      typeof p.provider?.name !== 'string' ||
      !Array.isArray(p.interactions)
    ) {
      throw new UsageError(`pact ${file}: not a pact (needs consumer.name, provider.name and interactions)`);
    }
  }
}

/** A verification the proxy found problems in: each one line (Pact's own failure, if any, as `cause`). */
export class VerificationProblems extends Error {
  constructor(
    readonly lines: readonly string[],
    cause?: unknown,
  ) {
    super(`${lines.length} problem(s) found by the contract check between Pact and the provider`, { cause });
  }
}

export async function verifyPacts(o: VerifyOptions): Promise<void> {
  assertPactFiles(o.pactFiles);
  const lookups = new HttpTransport({
    target: 'pact-states',
    baseUrl: o.baseUrl,
    credentials: o.credentials,
    budget: o.budget ?? 1000,
    timeoutMs: 5000,
    maxRetries: 1,
  });
  const authorization = `Basic ${Buffer.from(`${o.credentials.username}:${o.credentials.password}`).toString('base64')}`;
  const handlers = stateHandlers(o.contract, lookups, o.local, o.writes);
  // The reads' data is made before Pact starts (its requests, state changes included, time out).
  if (o.writes && !o.local && new InteractionIndex(o.pactFiles).uses(READ_STATES))
    await arrangeReads(o.writes.session);
  // Every request the verifier sends goes through the proxy: reads judged, writes through the session,
  // provider states set up by the proxy itself.
  const proxy = await startVerificationProxy({
    contract: o.contract,
    target: o.baseUrl,
    pactFiles: o.pactFiles,
    authorization,
    states: (change) => changeState(handlers, change),
    ...(o.writes ? { session: o.writes.session } : {}),
  });
  let failure: unknown;
  // Pact's native core is loaded here, by the verification alone: the command's parent process,
  // which only starts the child and relays its lines, and a verification refused before it starts,
  // never load it. pact-core directly: pact-js's Verifier would put its own proxy (express,
  // http-proxy, body parsers that re-encode a form) between the native verifier and ours.
  const { Verifier } = await import('@pact-foundation/pact-core/dist/verifier/index.js');
  const restoreBroker = hideBrokerFromNativeCore();
  try {
    await new Verifier({
      provider: pactParticipants(o.contract.model.api).provider,
      providerBaseUrl: proxy.url,
      providerStatesSetupUrl: proxy.statesUrl,
      // Always files: pacts from a broker were fetched and checked first (broker.ts), results published there.
      pactUrls: o.pactFiles,
      logLevel: o.logLevel ?? 'warn',
      timeout: 10_000,
    }).verify();
  } catch (error) {
    failure = error;
  } finally {
    restoreBroker();
    await proxy.close();
  }
  if (proxy.problems.length) throw new VerificationProblems(proxy.problems, failure);
  if (failure) throw failure;
}

type Handler = (params: Record<string, unknown> | undefined) => Promise<unknown>;
type Handlers = Record<string, Handler | { setup: Handler; teardown: () => Promise<unknown> }>;

/**
 * A state change Pact's verifier asks for: its handler's setup or teardown (a state no handler knows:
 * nothing). An interaction without a provider state is asked for as the state "": nothing to set up.
 */
function changeState(handlers: Handlers, change: StateChange): Promise<unknown> {
  const h = handlers[change.state];
  if (!h) {
    if (change.action === 'setup' && change.state !== '')
      throw new Error(`not a state this verifier sets up (${Object.keys(handlers).join(', ')})`);
    return Promise.resolve(undefined);
  }
  if (typeof h === 'function') return change.action === 'setup' ? h(change.params) : Promise.resolve();
  return change.action === 'setup' ? h.setup(change.params) : h.teardown();
}

/**
 * pact-core reads PACT_BROKER_BASE_URL from the environment itself and adds that broker as a second
 * source of pacts (and publishes on PACT_BROKER_PUBLISH_VERIFICATION_RESULTS): pacts nobody checked
 * for writes. A verification here is of the files given (a broker's were fetched and checked first,
 * their results published by broker.ts), so the native core does not see those two while it runs.
 * Returns what puts them back.
 */
function hideBrokerFromNativeCore(): () => void {
  const saved = ['PACT_BROKER_BASE_URL', 'PACT_BROKER_PUBLISH_VERIFICATION_RESULTS'].map(
    (name) => [name, process.env[name]] as const,
  );
  for (const [name] of saved) delete process.env[name];
  return () => {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  };
}

/**
 * Where a verification's write states are made: the provider itself (writes allowed), a journal in
 * `dir`, the tag what they make carries, and the account every answer must name.
 */
export function stateWritesTo(
  contract: Contract,
  baseUrl: string,
  credentials: Credentials,
  tag: string,
  dir: string,
  o: { account?: string; env?: NodeJS.ProcessEnv; local?: boolean } = {},
): StateWrites {
  const account = o.account;
  const transport = new HttpTransport({
    target: 'pact-states',
    baseUrl,
    credentials,
    writes: true,
    timeoutMs: 10_000,
  });
  const journal = Journal.start(dir, tag, {
    baseUrl,
    ...(account ? { account } : {}),
    message: 'pact:verify provider states',
  });
  if (!o.local) pointTo(defaultJournalDir(o.env), journal.file);
  const session = new WriteSession({
    contract,
    transport,
    cleanup: transport.forCleanup(),
    journal,
    tag,
    seed: 1,
    ...(account ? { account } : {}),
  });
  return { session };
}

export interface LocalVerification {
  pactFiles: string[];
  contract: Contract;
  /** A fault switched on in the provider (none: the faithful one). */
  fault?: ActiveFault;
  /** Items a list holds (the provider's default when absent). */
  items?: number;
  logLevel?: VerifyOptions['logLevel'];
  /** Where the state writes journal (a throwaway folder when absent: the provider goes with the verification). */
  journalDir?: string;
  /** Told the provider's address once it listens. */
  onStart?: (url: string) => void;
}

/** Verifies pact files against a reference provider started for them, its states made through its own writes. */
export async function verifyOnLocalProvider(o: LocalVerification): Promise<void> {
  const credentials = LOCAL_PROVIDER_CREDENTIALS;
  const local = await startProvider({
    contract: o.contract,
    credentials,
    ...(o.items !== undefined ? { items: o.items } : {}),
    ...(o.fault ? { fault: o.fault } : {}),
  });
  o.onStart?.(local.url);
  const writes = stateWritesTo(
    o.contract,
    local.url,
    credentials,
    'conformance-pact-local',
    o.journalDir ?? mkdtempSync(join(tmpdir(), 'pact-journal-')),
    { account: credentials.username, local: true },
  );
  try {
    await verifyPacts({
      pactFiles: o.pactFiles,
      contract: o.contract,
      baseUrl: local.url,
      credentials,
      local,
      logLevel: o.logLevel ?? 'error',
      writes,
    });
  } finally {
    writes.session.journal.close();
    await local.close();
  }
}
