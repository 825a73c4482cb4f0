// The verification proxy: Pact's verifier talks to it on 127.0.0.1, it talks to the provider.
//  - Provider states: Pact's verifier posts each state change here (statesUrl), set up in-process.
//  - Reads are forwarded as they came, the credentials added (nothing here keeps them), and every
//    answer is judged against the resolved contract, errors only: Pact has no optional-field
//    matcher, so a field that is present but wrong is caught here, while one left out (optional)
//    or answered null where Twilio's convention allows it passes.
//  - Writes are never forwarded raw: each goes through the verification's WriteSession, so it may name
//    only items this verification made, a create must carry the run's tag in its tag field, it is
//    journalled before it is sent, and what it makes is adopted and undone. Its answer is judged
//    against the write's response schema.
// What the proxy finds fails the verification, one line each (see `problems`).

import { randomBytes } from 'node:crypto';
import type { Agent as HttpAgentType, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WriteSession } from '../run/writes/session';
import type { Contract } from '../schemas/contract';
import { http, https } from '../transport/node-http';
import { type Answer, judgeRead, problemAnswer, routeOf } from './answers';
import { InteractionIndex } from './interactions';
import { sendWrite } from './proxy-writes';

const { createServer, Agent: HttpAgent, request: httpRequest } = http;
const { Agent: HttpsAgent, request: httpsRequest } = https;

export interface ProxyOptions {
  contract: Contract;
  /** The provider's base URL. */
  target: string;
  /** The pact files verified: what a request belongs to is named from them. */
  pactFiles: readonly string[];
  /** How writes are sent; without it every write is refused. */
  session?: WriteSession;
  /** The Authorization header a read is sent with when the verifier's request has none (the pact says nothing of auth). */
  authorization?: string;
  /** Sets up or tears down a provider state: what Pact's verifier asks at statesUrl (its answer, the state's values). */
  states?: (change: StateChange) => Promise<unknown>;
}

/** A provider state change, as Pact's verifier posts it (the state in the body, as JSON). */
export interface StateChange {
  state: string;
  params?: Record<string, unknown>;
  action: 'setup' | 'teardown';
}

/**
 * Where Pact's verifier posts its provider state changes (the proxy answers them itself): a path of
 * each proxy's own, which no pact's request can name (a pact's POST /_pactSetup is a write like any other).
 */
const statePath = () => `/_pactSetup/${randomBytes(12).toString('base64url')}`;

export interface VerificationProxy {
  url: string;
  /** Where Pact's verifier posts its provider state changes. */
  statesUrl: string;
  /** What the proxy found wrong, one line each, in the order found. */
  readonly problems: readonly string[];
  close(): Promise<void>;
}

/** Headers that belong to one connection, never passed on. */
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
  'content-length',
  'accept-encoding',
]);

const passOn = (headers: IncomingMessage['headers']) =>
  Object.fromEntries(Object.entries(headers).filter(([k, v]) => !HOP.has(k) && v !== undefined)) as Record<
    string,
    string | string[]
  >;

/**
 * Where a request the verifier sent goes: its path and query on `origin`, whatever they hold. Resolved
 * against it instead, a path like //host/… (what Pact sends for a pact's /x/..//host/…) names another
 * host, which would get the credentials.
 */
const onOrigin = (origin: string, reqUrl = '/'): URL =>
  new URL(`${origin}${reqUrl.startsWith('/') ? '' : '/'}${reqUrl}`);

/** A request as it came, to the provider (one kept-alive connection pool), its answer read whole. */
function forward(target: URL, agent: HttpAgentType, req: IncomingMessage, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = onOrigin(target.origin, req.url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const options = { method: req.method, headers: passOn(req.headers), agent, timeout: 30_000 };
    const out = send(url, options, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () =>
        resolve({ status: r.statusCode ?? 502, headers: passOn(r.headers), body: Buffer.concat(chunks) }),
      );
      r.on('error', reject);
    });
    out.on('timeout', () => out.destroy(new Error('no answer within 30 s')));
    out.on('error', reject);
    out.end(body);
  });
}

/** A server on 127.0.0.1 that answers each request, whole, with what `handle` makes of it. */
async function serve(handle: (req: IncomingMessage, body: Buffer) => Promise<Answer>) {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(req, Buffer.concat(chunks)).then((a) =>
        res.writeHead(a.status, { ...a.headers, 'content-length': a.body.length }).end(a.body),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

export async function startVerificationProxy(o: ProxyOptions): Promise<VerificationProxy> {
  const problems: string[] = [];
  const said = new Set<string>();
  /** One line per problem: the same constraint broken again (another item, page or interaction) is not repeated. */
  const say = (line: string, key = line) => {
    if (!said.has(key)) problems.push(line);
    said.add(key);
  };
  const interactions = new InteractionIndex(o.pactFiles);
  const target = new URL(o.target);
  const agent =
    target.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const reads = o.contract.operations.filter((op) => (op.method ?? 'GET') === 'GET');
  const states = statePath();

  const handle = async (req: IncomingMessage, body: Buffer): Promise<Answer> => {
    const url = onOrigin('http://proxy.invalid', req.url);
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'POST' && url.pathname === states) return changeState(body);
    if (o.authorization && !req.headers.authorization) req.headers.authorization = o.authorization;
    const who = (label: string) =>
      [interactions.name(method, url.pathname) ?? `${method} ${url.pathname}`, label]
        .filter(Boolean)
        .join(' ');
    if (method !== 'GET') {
      const r = await sendWrite(o, method, url.pathname, body, req.headers['content-type']);
      for (const p of r.problems) say(`${who(r.label)}: ${p.line}`, `${r.label}\u0000${p.key}`);
      return r.answer;
    }
    let answer: Answer;
    try {
      answer = await forward(target, agent, req, body);
    } catch (error) {
      say(`${who('')}: no answer from the provider (${(error as Error).message})`);
      return problemAnswer(502, `no answer from the provider: ${(error as Error).message}`);
    }
    const route = routeOf(reads, url.pathname);
    if (route)
      for (const p of judgeRead(o.contract, route.op, answer))
        say(`${who(`(${route.op.id})`)}: ${p.line}`, `${route.op.id}\u0000${p.key}`);
    return answer;
  };

  /**
   * A state set up or torn down. One that fails is a problem of the verification (which fails), but
   * Pact is answered 200 all the same: its verifier retries a failed state change for two minutes.
   */
  const changeState = async (body: Buffer): Promise<Answer> => {
    let change: StateChange | undefined;
    let values: unknown;
    try {
      change = JSON.parse(body.toString('utf8')) as StateChange;
      if (change.action === 'setup') interactions.entered(change.state, change.params);
      values = await o.states?.(change);
    } catch (error) {
      const what = change ? `provider state "${change.state}" (${change.action})` : 'a provider state change';
      say(`${what} failed: ${(error as Error).message}`);
    }
    const json = Buffer.from(JSON.stringify(values ?? {}));
    return { status: 200, headers: { 'content-type': 'application/json' }, body: json };
  };

  const server = await serve((req, body) =>
    handle(req, body).catch((error: Error) => {
      say(`${req.method} ${req.url}: the proxy failed (${error.message})`);
      return problemAnswer(500, error.message);
    }),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    statesUrl: `${url}${states}`,
    problems,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      agent.destroy();
    },
  };
}
