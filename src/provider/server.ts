// The local reference provider: every operation of the model, reads and writes, as documented, on
// a real HTTP server bound to 127.0.0.1 — a store (src/provider/store.ts) and one handler per
// operation shape (src/provider/handlers/), behind shared steps: authentication, the body step,
// Twilio error bodies, pagination. Optionally one named fault (src/provider/faults/) on one or
// every operation it applies to.

import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Operation } from '../model/operation';
import type { WriteOperation } from '../model/writes';
import type { Contract } from '../schemas/contract';
import { http } from '../transport/node-http';
import type { Call, Handler } from './call';
import type { ActiveFault, Fault } from './faults/fault';
import { handle } from './handlers';
import {
  type Answer,
  answer,
  authorised,
  badRequest,
  methodNotAllowed,
  notFound,
  readBody,
  send,
  serverError,
  twilioError,
  unauthorized,
} from './http';
import { Routes } from './routes';
import { Store } from './store';

export interface ProviderOptions {
  contract: Contract;
  /** Items of each top-level list. */
  items?: number;
  /** Items of each nested list under a parent that has children (one parent in four has none). */
  nestedItems?: number;
  seed?: number;
  port?: number;
  fault?: ActiveFault;
  /** When set, only these credentials are accepted; otherwise any well-formed Basic pair is. */
  credentials?: { username: string; password: string };
  /** The account every item belongs to: fields documented as that kind of SID carry it (default: the credentials' account). */
  accountSid?: string;
  /** How long a created item with lists to fill (a knowledge source's chunks) stays processing, in ms (default 50). */
  processingMs?: number;
  /** Each request as it is answered: when it came and when its answer ended (performance.now(), ms), and the status. */
  onAnswered?: (e: { method: string; url: string; start: number; end: number; status: number }) => void;
}

/** What the commands that start their own provider log in with: not a secret, never a real account. */
export const LOCAL_PROVIDER_CREDENTIALS = {
  username: `AC${'0123456789abcdef'.repeat(2)}`,
  password: 'local-provider-token',
};

export interface RunningProvider {
  url: string;
  port: number;
  /** Sets how many items a list serves (under every parent, for a nested list); undefined: the seeded size. */
  setCount(operationId: string, count: number | undefined): void;
  /** Back to the seeded sizes. */
  resetCounts(): void;
  close(): Promise<void>;
}

/** Which operations the fault bends, and the handler it wraps around theirs. */
function faultScope(active: ActiveFault | undefined, store: Store) {
  const on = (id: string) => active !== undefined && (active.operation ?? id) === id;
  const read = (op: Operation): Fault | undefined =>
    on(op.id) && active?.fault.appliesTo(op, store.instanceOf(op)) ? active.fault : undefined;
  const write = (w: WriteOperation): Fault | undefined =>
    on(w.id) && active?.fault.appliesToWrite?.(w) ? active.fault : undefined;
  const wrapped: Handler = active?.fault.wrap?.(handle, { calls: 0 }) ?? handle;
  return { read, write, handlerFor: (fault: Fault | undefined) => (fault ? wrapped : handle) };
}

/** How the server turns a request into an answer: routing, credentials, then the operation's handler. */
function answerer(options: ProviderOptions, store: Store) {
  const routes = new Routes(options.contract);
  const faults = faultScope(options.fault, store);
  const common = (
    req: IncomingMessage,
    base: string,
  ): Omit<Call, 'kind' | 'op' | 'write' | 'raw'> | undefined => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', base);
    } catch {
      return undefined;
    }
    const ok = authorised(req.headers.authorization, options.credentials);
    return { store, url, base, values: {}, authorised: ok, faultFor: faults.read };
  };
  const read = (req: IncomingMessage): Answer => {
    const c = common(req, `http://${req.headers.host ?? '127.0.0.1'}`);
    if (!c) return badRequest('Malformed request');
    const found = routes.read(c.url.pathname);
    if (!found) return c.authorised ? notFound(c.url.pathname) : unauthorized();
    const fault = faults.read(found.op);
    return faults.handlerFor(fault)({ ...c, kind: 'read', ...found, ...(fault ? { fault } : {}) });
  };
  const write = (req: IncomingMessage, raw: string): Answer => {
    const c = common(req, 'http://127.0.0.1');
    if (!c) return badRequest('Malformed request');
    if (!c.authorised) return unauthorized();
    const found = routes.write(req.method ?? '', c.url.pathname);
    if (found === undefined) return notFound(c.url.pathname);
    if (found === 'other-method') return methodNotAllowed();
    const fault = faults.write(found.write);
    const contentType = req.headers['content-type'] ?? '';
    const call = { ...c, kind: 'write' as const, ...found, raw, contentType, ...(fault ? { fault } : {}) };
    return faults.handlerFor(fault)(call);
  };
  return { read, write };
}

const safely = (decide: () => Answer): Answer => {
  try {
    return decide();
  } catch (e) {
    return serverError((e as Error).message);
  }
};

export async function startProvider(options: ProviderOptions): Promise<RunningProvider> {
  const store = new Store(options.contract, {
    seed: options.seed ?? 1,
    topItems: options.items ?? 30,
    nestedItems: options.nestedItems ?? 5,
    accountSid:
      options.accountSid ??
      (/^AC[0-9a-fA-F]{32}$/.test(options.credentials?.username ?? '')
        ? options.credentials?.username
        : undefined),
    processingMs: options.processingMs ?? 50,
  });
  const answers = answerer(options, store);
  const server: Server = http.createServer((req, res) => {
    const seen = options.onAnswered;
    if (seen) {
      const start = performance.now();
      res.on('finish', () =>
        seen({
          method: req.method ?? '',
          url: req.url ?? '',
          start,
          end: performance.now(),
          status: res.statusCode,
        }),
      );
    }
    if (req.method === 'GET')
      return send(
        res,
        safely(() => answers.read(req)),
      );
    req.on('error', () => res.destroy());
    readBody(req, (raw) =>
      send(
        res,
        raw === undefined
          ? answer(twilioError(413, 20001, 'Request body too large'), 'bad-request')
          : safely(() => answers.write(req, raw)),
      ),
    );
  });
  // Keep-alive long enough to be used: clients subtract about a second from the advertised
  // `Keep-Alive: timeout=N`, so 1 s made undici and node's agent open a connection per request.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setCount: (operationId, n) => store.setCount(operationId, n),
    resetCounts: () => store.resetCounts(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
