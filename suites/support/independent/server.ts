// The stand-in for Twilio Assistants v1 on 127.0.0.1: Basic auth with one account's SID and token
// (401 and Twilio's error body otherwise), every operation of the spec routed by method and path
// (404 for an unknown path, 405 for a method a path does not take), request bodies judged before any
// handler runs, Twilio error bodies for every refusal, and a log of every exchange for the tests.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Answer, Ctx, Route } from './context';
import { methodNotAllowed, notFound, Refusal, twilioError, unauthorized } from './errors';
import { isMisbehaviour, type Misbehaviour } from './misbehaviours';
import { REQUEST_SCHEMAS } from './request-rules';
import { ASSISTANT_ROUTES } from './routes-assistants';
import { CONVERSATION_ROUTES } from './routes-conversations';
import { TOOL_KNOWLEDGE_ROUTES } from './routes-tools-knowledge';
import { seed } from './seed';
import { Store } from './store';
import { checkSchema, parseBody } from './validate';

export const ROUTES: Route[] = [...ASSISTANT_ROUTES, ...TOOL_KNOWLEDGE_ROUTES, ...CONVERSATION_ROUTES];

const compiled = ROUTES.map((r) => ({
  route: r,
  names: [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string),
  regex: new RegExp(`^${r.path.replace(/\{\w+\}/g, '([^/]+)')}$`),
}));

export interface StandInOptions {
  accountSid: string;
  authToken: string;
  /** Items of each kind the account starts with (0: an empty account). */
  items?: number;
  /** Milliseconds a knowledge source takes to be processed (QUEUED, PROCESSING, then COMPLETED). */
  processingMs?: number;
  misbehave?: string[];
  asyncMessages?: Ctx['asyncMessages'];
  /** The time in milliseconds, for tests that move it themselves (default: the real clock). */
  clock?: () => number;
}

export interface Exchange {
  method: string;
  url: string;
  operation?: string;
  status: number;
  /** The request body as sent (text), and the refusal's message when the answer was an error. */
  body?: string;
  message?: string;
}

interface Incoming {
  method: string;
  url: URL;
  authorization?: string;
  contentType?: string;
  raw: string;
}

function find(method: string, path: string): { route: Route; params: Record<string, string> } {
  const matching = compiled.filter((c) => c.regex.test(path));
  if (matching.length === 0) throw notFound(path);
  const hit = matching.find((c) => c.route.method === method);
  if (!hit) throw methodNotAllowed(method, path);
  const values = (hit.regex.exec(path) ?? []).slice(1).map(decodeURIComponent);
  return { route: hit.route, params: Object.fromEntries(hit.names.map((n, i) => [n, values[i] as string])) };
}

export class StandIn {
  readonly store: Store;
  readonly log: Exchange[] = [];
  readonly misbehaving: ReadonlySet<Misbehaviour>;
  private readonly server = createServer((req, res) => this.onRequest(req, res));
  url = '';

  constructor(readonly opts: StandInOptions) {
    const unknown = (opts.misbehave ?? []).filter((m) => !isMisbehaviour(m));
    if (unknown.length) throw new Error(`unknown misbehaviour(s): ${unknown.join(', ')}`);
    this.misbehaving = new Set((opts.misbehave ?? []) as Misbehaviour[]);
    this.store = new Store(opts.accountSid, opts.processingMs ?? 300, opts.clock);
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    if (this.opts.items) seed(this, this.opts.items);
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  /** Every write answered by status, by operation: what the tests count. */
  writes(): Exchange[] {
    return this.log.filter((e) => e.method !== 'GET');
  }

  /** One exchange, as the HTTP server and the seeding both run it. */
  answer(req: Incoming): Answer {
    try {
      if (req.authorization !== this.expectedAuth()) throw unauthorized();
      const { route, params } = find(req.method, req.url.pathname);
      return this.misbehaveOn(route, this.run(route, params, req));
    } catch (e) {
      if (e instanceof Refusal) return { status: e.body.status, body: e.body };
      return { status: 500, body: twilioError(500, 20500, `Internal Server Error: ${(e as Error).message}`) };
    }
  }

  private run(route: Route, params: Record<string, string>, req: Incoming): Answer {
    const takesBody = REQUEST_SCHEMAS[route.operation] !== undefined;
    let body = {};
    if (takesBody) {
      try {
        body = parseBody(req.raw, req.contentType, route.bodyRequired === true);
      } catch (e) {
        const malformed = e instanceof Refusal && /^Malformed JSON/.test(e.message);
        if (malformed && this.misbehaving.has('malformed-json-500'))
          throw new Error('could not read the body');
        throw e;
      }
      checkSchema(route.operation, body);
    }
    return route.handle({
      store: this.store,
      params,
      query: req.url.searchParams,
      body,
      path: req.url.pathname,
      origin: req.url.origin,
      misbehaving: this.misbehaving,
      asyncMessages: this.opts.asyncMessages ?? 'webhook',
    });
  }

  /** The misbehaviours that change an answer whatever the operation. */
  private misbehaveOn(route: Route, a: Answer): Answer {
    if (route.method === 'GET' || typeof a.body !== 'object' || a.body === null) return a;
    const body = { ...(a.body as Record<string, unknown>) };
    const answersChange = a.status === 200 || a.status === 202;
    if (this.misbehaving.has('wrong-account-sid') && answersChange && 'account_sid' in body) {
      body.account_sid = `AC${'f'.repeat(32)}`;
    }
    if (this.misbehaving.has('create-missing-required-field') && a.status === 201) delete body.date_created;
    return { status: a.status, body };
  }

  private expectedAuth(): string {
    return `Basic ${Buffer.from(`${this.opts.accountSid}:${this.opts.authToken}`).toString('base64')}`;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
      const method = req.method ?? 'GET';
      const a = this.answer({
        method,
        url,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        raw,
      });
      this.record(method, url, raw, a);
      const headers: Record<string, string> =
        a.status === 401 ? { 'www-authenticate': 'Basic realm="Twilio API"' } : {};
      if (a.status === 204 || a.body === undefined) {
        res.writeHead(a.status, headers).end();
        return;
      }
      res.writeHead(a.status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(a.body));
    });
  }

  private record(method: string, url: URL, raw: string, a: Answer): void {
    let operation: string | undefined;
    try {
      operation = find(method, url.pathname).route.operation;
    } catch {}
    const message = a.status >= 400 ? (a.body as { message?: string } | undefined)?.message : undefined;
    this.log.push({
      method,
      url: `${url.pathname}${url.search}`,
      ...(operation ? { operation } : {}),
      status: a.status,
      ...(raw ? { body: raw } : {}),
      ...(message ? { message } : {}),
    });
  }
}

export const startStandIn = (opts: StandInOptions): Promise<StandIn> => new StandIn(opts).start();
