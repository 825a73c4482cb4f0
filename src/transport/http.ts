// The one transport every target goes through: real HTTP (node's http/https, connections kept alive), GET only unless writes were allowed for the target, a request budget, a
// timeout per request, bounded jittered backoff on 429/503 honouring Retry-After. Credentials go
// only to the base URL's origin and never into an Exchange, so nothing downstream can leak them.

import type { ClientRequest } from 'node:http';
import tls from 'node:tls';
import type { ScrubbedRequest } from '../finding';
import type { RequestEncoding } from '../model/writes';
import { encodeBody, mediaTypeOf } from '../schemas/form';
import { http, https } from './node-http';

export interface Credentials {
  username: string;
  password: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body's bytes were not valid UTF-8 (body holds them decoded with replacement characters). */
  invalidUtf8?: boolean;
}

export type TransportErrorKind =
  | 'network'
  | 'timeout'
  | 'budget'
  | 'deadline'
  | 'too-large'
  | 'not-recorded'
  | 'refused'
  | 'unreachable';

/** Why a request got no response: its kind, one line, and the system's error code (ECONNREFUSED, EPROTO…). */
export interface TransportError {
  kind: TransportErrorKind;
  message: string;
  code?: string;
}

export interface Exchange {
  request: ScrubbedRequest & { authenticated: boolean };
  response?: HttpResponse;
  error?: TransportError;
  /** Why retrying stopped early (a Retry-After beyond the cap). */
  gaveUp?: string;
  attempts: number;
  durationMs: number;
}

export interface TransportOptions {
  /** e.g. "live", "local", "recorded:docs-examples". */
  target: string;
  baseUrl: string;
  credentials?: Credentials;
  budget?: number;
  timeoutMs?: number;
  maxRetries?: number;
  /** Longest single wait on Retry-After or backoff. */
  maxRetryWaitMs?: number;
  /** Bodies larger than this are abandoned (a provider-error finding). */
  maxBodyBytes?: number;
  /** Epoch ms after which nothing more is sent: the whole run's deadline. */
  deadline?: number;
  /** Failures (network, timeout, rate limiting that outlived the retries) with no 2xx between them, after which the rest is not sent. */
  maxConsecutiveFailures?: number;
  /**
   * Writes (POST, PUT, PATCH, DELETE) may be sent: only a target the user named disposable
   * (--writes <AccountSid>, checked against the credentials) or the local reference provider.
   */
  writes?: boolean;
  /** Connections kept alive between requests (default true; a replay has none to keep). */
  keepAlive?: boolean;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface SendOptions {
  authenticate?: boolean;
  /** A JSON body. */
  body?: unknown;
  /** A body sent as these exact characters (malformed JSON, a form), instead of `body`. */
  raw?: string;
  /** The write may make something: never sent twice, not even on a stale kept-alive connection. */
  makes?: boolean;
  /**
   * How the body goes (the write's requestEncoding): form-encoded, an array as its key repeated
   * (most Twilio products), or JSON (absent). A raw body is sent as given, with that Content-Type.
   */
  encoding?: RequestEncoding;
}

/** Shared by a transport and every copy made with withBudget: one provider, one verdict on whether it is reachable. */
interface Health {
  consecutiveFailures: number;
  /** Answers to requests with credentials: refused (401, 403), and whether any succeeded (2xx). */
  refused?: number;
  accepted?: boolean;
  /** Why nothing more is sent, once the provider is judged unreachable or rate-limited. */
  stopped?: string;
}

/** Marks a replayed response that no cassette interaction matched (set by cassette replay). */
export const NOT_RECORDED_HEADER = 'x-cassette-not-recorded';

export class GetOnlyError extends Error {}

/** Thrown by callers that cannot judge a provider once the budget or the run's deadline is spent. */
export class RunLimitError extends Error {
  constructor(why: string) {
    super(why);
    this.name = 'RunLimitError';
  }
}

/** An exchange nothing can be judged from: the budget or deadline ended it, or no recording has it. */
export const isRunLimit = (e: Exchange): boolean =>
  e.error?.kind === 'budget' || e.error?.kind === 'deadline' || e.error?.kind === 'not-recorded';

const RETRYABLE = new Set([429, 503]);

export class HttpTransport {
  readonly target: string;
  readonly baseUrl: string;
  readonly budget: number;
  private sent = 0;
  private readonly listeners = new Set<(e: Exchange) => void>();

  constructor(
    private readonly options: TransportOptions,
    private readonly health: Health = { consecutiveFailures: 0 },
  ) {
    this.target = options.target;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.budget = options.budget ?? Number.POSITIVE_INFINITY;
  }

  /** The same target with its own request budget (the pagination properties have a larger one). */
  withBudget(budget: number): HttpTransport {
    return new HttpTransport({ ...this.options, budget }, this.health);
  }

  /**
   * The same target for undoing what a run made: writes allowed, no budget, no deadline, and a
   * health of its own (a run stopped by a signal or its breaker still cleans up).
   */
  forCleanup(): HttpTransport {
    const { deadline: _d, budget: _b, ...rest } = this.options;
    return new HttpTransport({ ...rest, target: this.target, writes: true });
  }

  get requestsSent(): number {
    return this.sent;
  }

  /** Calls `listener` with every exchange this transport completes; returns what stops it. */
  onExchange(listener: (e: Exchange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends nothing more, from now on, on this transport and every copy sharing its health (a signal). */
  stop(why: string): void {
    this.health.stopped ??= why;
  }

  /** Why nothing more is sent now (stopped, the deadline passed, the budget spent); undefined while it sends. */
  get holdsBack(): string | undefined {
    if (this.health.stopped) return this.health.stopped;
    if (this.options.deadline !== undefined && Date.now() >= this.options.deadline)
      return 'the run reached its --deadline';
    return this.sent >= this.budget ? `request budget of ${this.budget} used up` : undefined;
  }

  /** Whether this transport may send writes (see TransportOptions.writes). */
  get writes(): boolean {
    return this.options.writes === true;
  }

  /**
   * Any method: GET always; a write only when writes were allowed for this target, else refused
   * whoever asks (a run against a real account cannot change it unless its user said so).
   */
  async send(method: string, pathOrUrl: string, opts: SendOptions = {}): Promise<Exchange> {
    const m = method.toUpperCase();
    if (m === 'GET') return this.get(pathOrUrl, opts);
    if (!this.writes || !['POST', 'PUT', 'PATCH', 'DELETE'].includes(m)) {
      throw new GetOnlyError(
        `refused ${m} ${pathOrUrl}: this transport only sends GET (writes need --writes <AccountSid>)`,
      );
    }
    return this.exchange(m as Method, pathOrUrl, opts);
  }

  async get(pathOrUrl: string, opts: { authenticate?: boolean } = {}): Promise<Exchange> {
    return this.exchange('GET', pathOrUrl, {
      ...(opts.authenticate !== undefined ? { authenticate: opts.authenticate } : {}),
    });
  }

  private async exchange(method: Method, pathOrUrl: string, opts: SendOptions): Promise<Exchange> {
    const authenticate = (opts.authenticate ?? true) && this.options.credentials !== undefined;
    let url: string;
    try {
      url = new URL(pathOrUrl, `${this.baseUrl}/`).toString();
    } catch {
      return {
        request: { method, url: String(pathOrUrl).slice(0, 500), authenticated: authenticate },
        attempts: 0,
        durationMs: 0,
        error: {
          kind: 'refused',
          message: `not sent: ${JSON.stringify(String(pathOrUrl).slice(0, 200))} is not a URL`,
        },
      };
    }
    const sameOrigin = new URL(url).origin === new URL(this.baseUrl).origin;
    const exchange: Exchange = {
      request: scrubbedRequest(method, url, authenticate, opts),
      attempts: 0,
      durationMs: 0,
    };
    const encoded = encodedBody(opts);
    if (!sameOrigin) {
      exchange.error = { kind: 'refused', message: `not sent: ${url} is not on ${this.baseUrl}` };
      return exchange;
    }
    if (this.health.stopped) {
      exchange.error = { kind: 'unreachable', message: `not sent: ${this.health.stopped}` };
      return exchange;
    }
    const started = performance.now();
    await this.sendWithRetries(exchange, {
      method,
      url,
      headers: this.headersFor(encoded, authenticate),
      payload: encoded?.payload,
      makes: opts.makes === true,
    });
    exchange.durationMs = Math.round(performance.now() - started);
    this.judgeHealth(exchange);
    for (const listener of this.listeners) listener(exchange);
    return exchange;
  }

  /** Accept JSON; the body's type and length; credentials only when this request carries them. */
  private headersFor(encoded: EncodedBody | undefined, authenticate: boolean): Record<string, string> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(encoded
        ? { 'content-type': encoded.contentType, 'content-length': String(encoded.payload.length) }
        : {}),
    };
    if (authenticate && this.options.credentials) {
      const { username, password } = this.options.credentials;
      headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    return headers;
  }

  /**
   * Sends until answered: within the budget and the deadline, a GET retried on 429 or 503 after the
   * wait Retry-After asks (or a backoff), at most maxRetries times; a write is sent once.
   */
  private async sendWithRetries(exchange: Exchange, out: Outgoing): Promise<void> {
    const { method, url } = out;
    const maxRetries = this.options.maxRetries ?? 3;
    for (;;) {
      if (this.sent >= this.budget) {
        exchange.error = { kind: 'budget', message: `request budget of ${this.budget} used up` };
        return;
      }
      if (this.options.deadline !== undefined && Date.now() >= this.options.deadline) {
        exchange.error = { kind: 'deadline', message: 'not sent: the run reached its --deadline' };
        return;
      }
      this.sent++;
      exchange.attempts++;
      const result = await this.once(method, url, out.headers, out.payload, out.makes);
      if ('error' in result) {
        exchange.error = result.error;
        return;
      }
      if (result.response.headers[NOT_RECORDED_HEADER]) {
        exchange.error = { kind: 'not-recorded', message: `no recording for ${method} ${url}` };
        return;
      }
      exchange.response = result.response;
      // A write is never sent twice here: a 429 or 5xx may have been acted on (the caller sweeps first).
      const retryable = method === 'GET' && RETRYABLE.has(result.response.status);
      if (!retryable || exchange.attempts > maxRetries) return;
      const wait = this.retryWait(result.response, exchange.attempts);
      if (wait === undefined) {
        // Retry-After beyond the cap: waiting it out would stall the run; nothing more is sent.
        exchange.gaveUp = `Retry-After ${result.response.headers['retry-after']} is beyond the ${this.options.maxRetryWaitMs ?? 5000} ms cap`;
        this.health.stopped = `rate-limited: ${exchange.gaveUp}`;
        return;
      }
      await sleep(wait);
    }
  }

  /** Consecutive failures trip the breaker: the remaining requests are skipped and reported, not each waited out. */
  private judgeHealth(exchange: Exchange): void {
    const kind = exchange.error?.kind;
    const status = exchange.response?.status;
    const failed =
      kind === 'network' ||
      kind === 'timeout' ||
      (!kind && (status === 429 || status === 503) && exchange.attempts > 1);
    if (
      kind === 'deadline' ||
      kind === 'budget' ||
      kind === 'not-recorded' ||
      kind === 'refused' ||
      kind === 'unreachable'
    )
      return;
    // Only a 2xx proves the provider serves; error answers (401, 404) between hangs do not reset the count.
    if (failed) this.health.consecutiveFailures++;
    else if (status !== undefined && status >= 200 && status < 300) this.health.consecutiveFailures = 0;
    const max = this.options.maxConsecutiveFailures ?? 5;
    if (failed && this.health.consecutiveFailures >= max && !this.health.stopped) {
      this.health.stopped = `the provider failed ${max} requests in a row (last: ${exchange.error?.message ?? `status ${status}`})`;
    }
    // A server that does not speak the URL's scheme answers no request: one is enough to know.
    if (exchange.error?.code && TLS_MISMATCH.has(exchange.error.code))
      this.health.stopped ??= exchange.error.message;
    this.judgeCredentials(exchange, max);
  }

  /** Credentials every answer refuses (401, 403) and none accepted: after `max` of them, nothing more is sent. */
  private judgeCredentials(exchange: Exchange, max: number): void {
    const status = exchange.response?.status;
    if (!exchange.request.authenticated || status === undefined) return;
    if (status >= 200 && status < 300) this.health.accepted = true;
    if (status !== 401 && status !== 403) return;
    this.health.refused = (this.health.refused ?? 0) + 1;
    if (!this.health.accepted && this.health.refused >= max)
      this.health.stopped ??= `the credentials were refused: ${max} requests with them answered 401 or 403, none succeeded`;
  }

  private async once(
    method: Method,
    url: string,
    headers: Record<string, string>,
    payload: Buffer | undefined,
    makes: boolean,
  ): Promise<{ response: HttpResponse } | { error: TransportError }> {
    const left =
      this.options.deadline === undefined ? Number.POSITIVE_INFINITY : this.options.deadline - Date.now();
    const timeoutMs = Math.max(1, Math.min(this.options.timeoutMs ?? 10_000, left));
    const maxBytes = this.options.maxBodyBytes ?? 5 * 1024 * 1024;
    const raw = await request(
      method,
      url,
      headers,
      { timeoutMs, maxBytes, keepAlive: this.options.keepAlive !== false },
      payload,
      makes,
    );
    if ('failure' in raw) return { error: describeFailure(raw.failure, url, timeoutMs, raw.midBody) };
    if (raw.bytes === undefined) {
      return {
        error: { kind: 'too-large', message: `body of ${url} is larger than ${maxBytes} bytes (--max-body)` },
      };
    }
    let body: string;
    let invalidUtf8 = false;
    try {
      body = new TextDecoder('utf-8', { fatal: true }).decode(raw.bytes);
    } catch {
      body = new TextDecoder('utf-8').decode(raw.bytes);
      invalidUtf8 = true;
    }
    return {
      response: { status: raw.status, headers: raw.headers, body, ...(invalidUtf8 ? { invalidUtf8 } : {}) },
    };
  }

  /** Retry-After (seconds or HTTP date) when given, else exponential backoff; jittered and bounded. Undefined: Retry-After is beyond the cap. */
  private retryWait(response: HttpResponse, attempt: number): number | undefined {
    const cap = this.options.maxRetryWaitMs ?? 5_000;
    const header = response.headers['retry-after'];
    let wait = 2 ** (attempt - 1) * 250;
    if (header !== undefined) {
      const seconds = Number(header);
      wait = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
      if (Number.isFinite(wait) && wait > cap) return undefined;
    }
    const jitter = 1 + Math.random() * 0.2;
    return Math.max(0, Math.min(cap, wait * jitter));
  }
}

/** What an Exchange keeps of a request: method, URL, the body as given (never the credentials). */
function scrubbedRequest(
  method: Method,
  url: string,
  authenticated: boolean,
  opts: SendOptions,
): Exchange['request'] {
  return {
    method,
    url,
    authenticated,
    ...(opts.body !== undefined ? { body: opts.body } : opts.raw !== undefined ? { body: opts.raw } : {}),
    ...((opts.body !== undefined || opts.raw !== undefined) && opts.encoding === 'form'
      ? { form: true }
      : {}),
  };
}

type EncodedBody = { payload: Buffer; contentType: string };

/** A request as it goes out: the body's bytes, the headers, whether it may make something. */
interface Outgoing {
  method: Method;
  url: string;
  headers: Record<string, string>;
  payload: Buffer | undefined;
  makes: boolean;
}

/** The bytes sent: a raw body as given (with its encoding's Content-Type), else the body encoded. */
function encodedBody(opts: SendOptions): EncodedBody | undefined {
  if (opts.raw !== undefined)
    return { payload: Buffer.from(opts.raw), contentType: mediaTypeOf(opts.encoding) };
  return opts.body === undefined ? undefined : encodeBody(opts.body, opts.encoding);
}

// Connections are kept alive between requests (one pool per protocol for the whole process).
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};
/**
 * One TLS context (default roots, default settings) for every https request: node would otherwise
 * build one per connection, which a replay through nock (a new socket per request) pays each time.
 */
let tlsContext: tls.SecureContext | undefined;
const sharedTlsContext = (): tls.SecureContext => {
  tlsContext ??= tls.createSecureContext();
  return tlsContext;
};

/**
 * A socket closed with its handle still open is released: nock's emulated sockets (a replay) close
 * without closing the handle they were given, which then stays in the process for good, one per
 * request (1,000 cassettes ran out of memory). A real socket has no handle left once closed.
 */
const hooked = new WeakSet<object>();
function releaseHandleOnClose(socket: import('node:net').Socket | null): void {
  if (!socket || hooked.has(socket)) return;
  hooked.add(socket);
  socket.once('close', () => {
    const handle = (socket as unknown as { _handle?: { close?: () => void } | null })._handle;
    if (handle && typeof handle.close === 'function') handle.close();
  });
}

class TimeoutError extends Error {
  override name = 'TimeoutError';
}

type RawResult =
  | { status: number; headers: Record<string, string>; bytes: Uint8Array | undefined }
  | { failure: Error; midBody: boolean };

/**
 * One request over node's http(s), on a kept-alive connection: status, headers and the body's bytes,
 * or undefined bytes as soon as they pass maxBytes (the rest is never read). Redirects are not
 * followed. The timeout covers the whole exchange, body included. A kept-alive connection the server
 * closed while idle fails before any response; the request is sent once more on a fresh connection —
 * except a request that may make something (a create, a message): whether the server read it before
 * closing is unknown, so it is never sent twice here; its caller treats the answer as lost and sweeps.
 */
async function request(
  method: Method,
  url: string,
  headers: Record<string, string>,
  o: { timeoutMs: number; maxBytes: number; keepAlive: boolean },
  payload: Buffer | undefined,
  makes: boolean,
): Promise<RawResult> {
  const send = () => attempt(method, url, headers, o.timeoutMs, o.maxBytes, payload, o.keepAlive);
  const first = await send();
  return first.stale && !makes ? send() : first;
}

const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);

function attempt(
  method: Method,
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
  maxBytes: number,
  payload: Buffer | undefined,
  keepAlive: boolean,
): Promise<RawResult & { stale?: boolean }> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    let midBody = false;
    let settled = false;
    let req: ClientRequest | undefined;
    let timer: NodeJS.Timeout | undefined;
    const settle = (r: RawResult & { stale?: boolean }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const fail = (failure: Error) => {
      const code = (failure as NodeJS.ErrnoException).code ?? '';
      const stale = !midBody && req?.reusedSocket === true && STALE_SOCKET_CODES.has(code);
      settle({ failure, midBody, ...(stale ? { stale } : {}) });
      req?.destroy();
    };
    try {
      req = client.request(
        target,
        {
          method,
          headers,
          agent: keepAlive ? AGENTS[target.protocol as 'http:' | 'https:'] : false,
          ...(target.protocol === 'https:' ? { secureContext: sharedTlsContext() } : {}),
        },
        (res) => {
          midBody = true;
          releaseHandleOnClose(res.socket);
          const out: Record<string, string> = {};
          for (const [key, value] of Object.entries(res.headers)) {
            if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value;
          }
          const status = res.statusCode ?? 0;
          const declared = Number(res.headers['content-length']);
          if (Number.isFinite(declared) && declared > maxBytes) {
            settle({ status, headers: out, bytes: undefined });
            res.destroy();
            return;
          }
          const chunks: Buffer[] = [];
          let total = 0;
          res.on('data', (chunk: Buffer) => {
            total += chunk.byteLength;
            if (total > maxBytes) {
              settle({ status, headers: out, bytes: undefined });
              res.destroy();
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => settle({ status, headers: out, bytes: Buffer.concat(chunks) }));
          res.on('aborted', () => fail(new Error('the connection closed before the body ended')));
          res.on('error', (e) => fail(e));
          res.on('close', () => {
            if (!res.complete) fail(new Error('the connection closed before the body ended'));
          });
        },
      );
    } catch (error) {
      // A URL node's http cannot send (a cassette origin that is not http or https): nothing went out.
      settle({ failure: error as Error, midBody });
      return;
    }
    timer = setTimeout(() => fail(new TimeoutError()), timeoutMs);
    req.on('error', (e) => fail(e));
    req.end(payload);
  });
}

/**
 * Node's codes for a server that does not speak TLS where the URL says https (a plain-HTTP port):
 * OpenSSL finds no TLS record where it expects one.
 */
export const TLS_MISMATCH = new Set([
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
]);

/** A connection that could not be made: nothing of the request reached a server. */
const NO_CONNECTION = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Whether a request never reached the server, so a write was certainly not carried out: sent once,
 * and its connection refused, its host unknown or unreachable, or TLS refused before a byte of it went.
 */
export const neverReached = (e: Exchange): boolean =>
  e.response === undefined &&
  e.attempts <= 1 &&
  e.error?.code !== undefined &&
  (NO_CONNECTION.has(e.error.code) || TLS_MISMATCH.has(e.error.code));

function describeFailure(error: Error, url: string, timeoutMs: number, midBody: boolean): TransportError {
  if (error instanceof TimeoutError) {
    return { kind: 'timeout', message: `no complete response from ${url} within ${timeoutMs} ms` };
  }
  if (/Nock: No match|Nock: Disallowed net connect/.test(error.message))
    return { kind: 'not-recorded', message: `no recording for GET ${url}` };
  const code = (error as NodeJS.ErrnoException).code;
  const at = code ? { code } : {};
  if (code && TLS_MISMATCH.has(code)) {
    // OpenSSL's message is several lines of source locations; its reason is what a person reads.
    const reason = /routines:[^:]*:([^:]+):/.exec(error.message)?.[1] ?? code;
    return {
      kind: 'network',
      message: `no TLS at ${new URL(url).origin} (OpenSSL: ${reason}): the server there does not speak https`,
      ...at,
    };
  }
  const first = error.message.split('\n')[0]?.trim() ?? '';
  const detail = `${first}${code && !first.includes(code) ? ` (${code})` : ''}`;
  if (midBody) return { kind: 'network', message: `connection closed mid-body by ${url}: ${detail}`, ...at };
  return { kind: 'network', message: detail, ...at };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
