// The three targets behind one interface: each yields transports (one per cassette for recorded)
// and a way to tear down what it started. The only stage (with the suites) that starts the
// reference provider.

import { UsageError } from '../errors';
import { decodeSegment } from '../json';
import { type Operation, pathMatcher, successStatus } from '../model/operation';
import { type ActiveFault, FAULTS, faultNamed, HOSTILE, parseFaultSpec, VARIANTS } from '../provider/faults';
import { LOCAL_PROVIDER_CREDENTIALS, type RunningProvider, startProvider } from '../provider/server';
import { unlistedHints } from '../provider/store';
import type { Contract } from '../schemas/contract';
import { type LoadedCassette, loadCassettes, type RecordedRequest, replay } from '../transport/cassette';
import { baseUrlFrom, credentialsFromEnv, writableAccount } from '../transport/credentials';
import { HttpTransport, type TransportOptions } from '../transport/http';
import { DEFAULT_LIVE_BUDGET, type TargetKind } from './kinds';

export { DEFAULT_LIVE_BUDGET, DEFAULT_PAGINATION_BUDGET, TARGETS, type TargetKind } from './kinds';
export type { ActiveFault, RunningProvider };
export { FAULTS, HOSTILE, LOCAL_PROVIDER_CREDENTIALS, startProvider, VARIANTS };

/** The transport's tuning a target passes on (see TransportOptions). */
type Tuning = Pick<
  TransportOptions,
  | 'budget'
  | 'timeoutMs'
  | 'maxRetries'
  | 'maxRetryWaitMs'
  | 'maxBodyBytes'
  | 'deadline'
  | 'maxConsecutiveFailures'
>;

export interface TargetOptions extends Tuning {
  target: TargetKind;
  contract: Contract;
  baseUrl?: string;
  recordingsDir: string;
  /** Local target: dataset and fault. */
  items?: number;
  seed?: number;
  fault?: string;
  env?: NodeJS.ProcessEnv;
  /** Live: the account the user names disposable (--writes <AccountSid>); writes go only there. */
  writesAccount?: string;
  /** Local: GET only (writes are allowed on the reference provider by default). */
  readOnly?: boolean;
}

/** A transport ready to use, with what to undo after its run. */
export interface PreparedTarget {
  transport: HttpTransport;
  /** The local reference provider, when this target started one (its lists can be resized). */
  provider?: RunningProvider;
  /** Path values the target knows in advance (ids a cassette holds). */
  pathHints?: (op: Operation) => Array<Record<string, string>>;
  /** The account the target writes to (what every write answer must name). */
  account?: string;
  /** A recorded target's requests: each one is judged as traffic. */
  recorded?: ReadonlyArray<RecordedRequest>;
  open(): void | Promise<void>;
  close(): Promise<void>;
}

// Recorded requests carry a placeholder so cassettes can tell authenticated from anonymous ones.
const PLACEHOLDER = { username: 'AC00000000000000000000000000000000', password: 'recorded' };

/** `name` or `name@OperationId`, checked against the catalogue and the model. */
export function activeFault(spec: string, contract: Contract): ActiveFault {
  const { name, operation } = parseFaultSpec(spec);
  const fault = faultNamed(name);
  if (!fault)
    throw new UsageError(
      `--fault: unknown fault "${name}"; known: ${[...FAULTS, ...HOSTILE, ...VARIANTS].map((f) => f.name).join(', ')}`,
    );
  const ids = [...contract.operations, ...contract.writes].map((o) => o.id);
  if (operation !== undefined && !ids.includes(operation))
    throw new UsageError(`--fault: no operation "${operation}"; known: ${ids.join(', ')}`);
  return { fault, ...(operation ? { operation } : {}) };
}

/** Path values of every recorded request that matches the operation's path template and was answered 2xx (or its documented redirect). */
export function cassetteHints(cassette: LoadedCassette): (op: Operation) => Array<Record<string, string>> {
  return (op) => {
    const re = pathMatcher(op.path);
    const out: Array<Record<string, string>> = [];
    for (const { request, response } of cassette.interactions) {
      const answered =
        (response.status >= 200 && response.status < 300) || response.status === successStatus(op);
      if (!answered) continue;
      const m = re.exec(request.path.split('?')[0] ?? '');
      if (!m) continue;
      const values: Record<string, string> = {};
      op.pathParams.forEach((p, k) => {
        values[p.name] = decodeSegment(m[k + 1] ?? '');
      });
      if (!out.some((v) => JSON.stringify(v) === JSON.stringify(values))) out.push(values);
    }
    return out;
  };
}

export async function prepareTargets(o: TargetOptions): Promise<PreparedTarget[]> {
  const tuning = tuningOf(o);
  switch (o.target) {
    case 'recorded':
      return recordedTargets(o, tuning);
    case 'live':
      return [liveTarget(o, tuning)];
    case 'local':
      return [await localTarget(o, tuning)];
  }
}

/** The transport's tuning every target passes on, with its defaults. */
function tuningOf(o: TargetOptions): Omit<Tuning, 'budget'> {
  return {
    timeoutMs: o.timeoutMs ?? 10_000,
    ...(o.maxRetries !== undefined ? { maxRetries: o.maxRetries } : {}),
    ...(o.maxRetryWaitMs !== undefined ? { maxRetryWaitMs: o.maxRetryWaitMs } : {}),
    ...(o.maxConsecutiveFailures !== undefined ? { maxConsecutiveFailures: o.maxConsecutiveFailures } : {}),
    ...(o.maxBodyBytes !== undefined ? { maxBodyBytes: o.maxBodyBytes } : {}),
    ...(o.deadline !== undefined ? { deadline: o.deadline } : {}),
  };
}

/** One target per cassette: replayed through nock while open, its requests judged as traffic. */
function recordedTargets(o: TargetOptions, tuning: Omit<Tuning, 'budget'>): PreparedTarget[] {
  return loadCassettes(o.recordingsDir).map((cassette) => {
    let restore = () => {};
    return {
      transport: new HttpTransport({
        ...tuning,
        target: `recorded:${cassette.name}`,
        baseUrl: cassette.origin,
        credentials: PLACEHOLDER,
        maxRetries: 0,
        // Recorded writes are replayed to be judged: nock answers them, nothing reaches a network.
        writes: true,
        keepAlive: false,
      }),
      pathHints: cassetteHints(cassette),
      recorded: cassette.interactions.map(({ request }) => ({
        method: request.method,
        path: request.path,
        authenticated: request.authenticated,
        ...(request.body !== undefined ? { body: request.body } : {}),
      })),
      open: async () => {
        restore = await replay(cassette);
      },
      close: async () => restore(),
    };
  });
}

/** The real API with the environment's credentials: GET only unless the user named the account writable. */
function liveTarget(o: TargetOptions, tuning: Omit<Tuning, 'budget'>): PreparedTarget {
  const env = o.env ?? process.env;
  const credentials = credentialsFromEnv(env);
  const baseUrl = baseUrlFrom(o.baseUrl, env, o.contract.model.api);
  const writes = o.writesAccount !== undefined && writableAccount(o.writesAccount, env) !== undefined;
  return {
    transport: new HttpTransport({
      ...tuning,
      target: 'live',
      baseUrl,
      credentials,
      budget: o.budget ?? DEFAULT_LIVE_BUDGET,
      writes,
    }),
    ...(writes ? { account: o.writesAccount as string } : {}),
    open: () => {},
    close: async () => {},
  };
}

/** The reference provider, started here with the run's dataset and fault, and closed with the target. */
async function localTarget(o: TargetOptions, tuning: Omit<Tuning, 'budget'>): Promise<PreparedTarget> {
  const fault = o.fault === undefined ? undefined : activeFault(o.fault, o.contract);
  const credentials = LOCAL_PROVIDER_CREDENTIALS;
  const provider = await startProvider({
    contract: o.contract,
    ...(o.items !== undefined ? { items: o.items } : {}),
    seed: o.seed ?? 1,
    ...(fault ? { fault } : {}),
    credentials,
  });
  return {
    transport: new HttpTransport({
      ...tuning,
      target: fault ? `local:${o.fault}` : 'local',
      baseUrl: provider.url,
      credentials,
      writes: o.readOnly !== true,
      ...(o.budget ? { budget: o.budget } : {}),
    }),
    account: credentials.username,
    pathHints: (op) => unlistedHints(o.contract.operations, op, o.seed ?? 1),
    open: () => {},
    provider,
    close: () => provider.close(),
  };
}
