// The three targets behind one interface: each yields transports (one per cassette for recorded)
// and a way to tear down what it started.

import { UsageError } from '../errors';
import { FAULTS, faultNamed } from '../provider/faults';
import { LOCAL_PROVIDER_CREDENTIALS, type RunningProvider, startProvider } from '../provider/server';
import { loadCassettes, replay } from './cassette';
import { baseUrlFrom, credentialsFromEnv } from './credentials';
import { HttpTransport } from './http';

export type TargetKind = 'recorded' | 'live' | 'local';
export const TARGETS: readonly TargetKind[] = ['recorded', 'live', 'local'];
export const DEFAULT_LIVE_BUDGET = 50;
/** The pagination properties walk lists: they get their own, larger budget on live targets. */
export const DEFAULT_PAGINATION_BUDGET = 400;

export interface TargetOptions {
  target: TargetKind;
  baseUrl?: string;
  budget?: number;
  timeoutMs?: number;
  maxRetries?: number;
  maxBodyBytes?: number;
  /** Epoch ms: the whole run's deadline. */
  deadline?: number;
  recordingsDir: string;
  /** Local target: dataset and fault. */
  sessions?: number;
  seed?: number;
  fault?: string;
  env?: NodeJS.ProcessEnv;
}

/** A transport ready to use, with what to undo after its run. */
export interface PreparedTarget {
  transport: HttpTransport;
  /** The local reference provider, when this target started one (its dataset can be resized). */
  provider?: RunningProvider;
  open(): void;
  close(): Promise<void>;
}

// Recorded requests carry a placeholder so cassettes can tell authenticated from anonymous ones.
const PLACEHOLDER = { username: 'AC00000000000000000000000000000000', password: 'recorded' };

export async function prepareTargets(o: TargetOptions): Promise<PreparedTarget[]> {
  const env = o.env ?? process.env;
  const common = {
    timeoutMs: o.timeoutMs ?? 10_000,
    ...(o.maxRetries !== undefined ? { maxRetries: o.maxRetries } : {}),
    ...(o.maxBodyBytes !== undefined ? { maxBodyBytes: o.maxBodyBytes } : {}),
    ...(o.deadline !== undefined ? { deadline: o.deadline } : {}),
  };
  switch (o.target) {
    case 'recorded':
      return loadCassettes(o.recordingsDir).map((cassette) => {
        let restore = () => {};
        return {
          transport: new HttpTransport({
            ...common,
            target: `recorded:${cassette.name}`,
            baseUrl: cassette.origin,
            credentials: PLACEHOLDER,
            maxRetries: 0,
          }),
          open: () => {
            restore = replay(cassette);
          },
          close: async () => restore(),
        };
      });
    case 'live': {
      const credentials = credentialsFromEnv(env);
      const baseUrl = baseUrlFrom(o.baseUrl, env);
      return [
        {
          transport: new HttpTransport({
            ...common,
            target: 'live',
            baseUrl,
            credentials,
            budget: o.budget ?? DEFAULT_LIVE_BUDGET,
          }),
          open: () => {},
          close: async () => {},
        },
      ];
    }
    case 'local': {
      const fault = o.fault === undefined ? undefined : faultNamed(o.fault);
      if (o.fault !== undefined && !fault)
        throw new UsageError(
          `--fault: unknown fault "${o.fault}"; known: ${FAULTS.map((f) => f.name).join(', ')}`,
        );
      const credentials = LOCAL_PROVIDER_CREDENTIALS;
      const provider = await startProvider({
        sessions: o.sessions ?? 120,
        seed: o.seed ?? 1,
        ...(fault ? { fault } : {}),
        credentials,
      });
      return [
        {
          transport: new HttpTransport({
            ...common,
            target: fault ? `local:${fault.name}` : 'local',
            baseUrl: provider.url,
            credentials,
            ...(o.budget ? { budget: o.budget } : {}),
          }),
          open: () => {},
          provider,
          close: () => provider.close(),
        },
      ];
    }
  }
}
