// The one transport every target goes through: real HTTP (fetch), GET only, a request budget, a
// timeout per request, bounded jittered backoff on 429/503 honouring Retry-After. Credentials go
// only to the base URL's origin and never into an Exchange, so nothing downstream can leak them.

import type { ScrubbedRequest } from '../findings';

export interface Credentials {
  username: string;
  password: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type TransportErrorKind = 'network' | 'timeout' | 'budget' | 'not-recorded' | 'refused';

export interface Exchange {
  request: ScrubbedRequest & { authenticated: boolean };
  response?: HttpResponse;
  error?: { kind: TransportErrorKind; message: string };
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
}

/** Marks a replayed response that no cassette interaction matched (set by cassette replay). */
export const NOT_RECORDED_HEADER = 'x-cassette-not-recorded';

export class GetOnlyError extends Error {}

/** Thrown by callers that cannot judge a provider once the request budget is spent. */
export class BudgetExhaustedError extends Error {
  constructor(budget: number) {
    super(`request budget of ${budget} used up`);
    this.name = 'BudgetExhaustedError';
  }
}

const RETRYABLE = new Set([429, 503]);

export class HttpTransport {
  readonly target: string;
  readonly baseUrl: string;
  readonly budget: number;
  private sent = 0;

  constructor(private readonly options: TransportOptions) {
    this.target = options.target;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.budget = options.budget ?? Number.POSITIVE_INFINITY;
  }

  /** The same target with its own request budget (the pagination properties have a larger one). */
  withBudget(budget: number): HttpTransport {
    return new HttpTransport({ ...this.options, budget });
  }

  get requestsSent(): number {
    return this.sent;
  }

  /** Refuses anything but GET, whoever asks: a run against a real account can never change it. */
  async send(method: string, pathOrUrl: string, opts: { authenticate?: boolean } = {}): Promise<Exchange> {
    if (method.toUpperCase() !== 'GET') {
      throw new GetOnlyError(`refused ${method.toUpperCase()} ${pathOrUrl}: this transport only sends GET`);
    }
    return this.get(pathOrUrl, opts);
  }

  async get(pathOrUrl: string, opts: { authenticate?: boolean } = {}): Promise<Exchange> {
    const url = new URL(pathOrUrl, `${this.baseUrl}/`).toString();
    const sameOrigin = new URL(url).origin === new URL(this.baseUrl).origin;
    const authenticate = (opts.authenticate ?? true) && this.options.credentials !== undefined;
    const exchange: Exchange = {
      request: { method: 'GET', url, authenticated: authenticate },
      attempts: 0,
      durationMs: 0,
    };
    if (!sameOrigin) {
      exchange.error = { kind: 'refused', message: `not sent: ${url} is not on ${this.baseUrl}` };
      return exchange;
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (authenticate && this.options.credentials) {
      const { username, password } = this.options.credentials;
      headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    const started = performance.now();
    const maxRetries = this.options.maxRetries ?? 3;
    for (;;) {
      if (this.sent >= this.budget) {
        exchange.error = { kind: 'budget', message: `request budget of ${this.budget} used up` };
        break;
      }
      this.sent++;
      exchange.attempts++;
      const result = await this.once(url, headers);
      if ('error' in result) {
        exchange.error = result.error;
        break;
      }
      if (result.response.headers[NOT_RECORDED_HEADER]) {
        exchange.error = { kind: 'not-recorded', message: `no recording for GET ${url}` };
        break;
      }
      exchange.response = result.response;
      if (!RETRYABLE.has(result.response.status) || exchange.attempts > maxRetries) break;
      await sleep(this.retryWait(result.response, exchange.attempts));
    }
    exchange.durationMs = Math.round(performance.now() - started);
    return exchange;
  }

  private async once(url: string, headers: Record<string, string>) {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    try {
      const res = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      const body = await res.text();
      const out: Record<string, string> = {};
      res.headers.forEach((value, key) => {
        out[key] = value;
      });
      return { response: { status: res.status, headers: out, body } };
    } catch (error) {
      return { error: describeFailure(error, url, timeoutMs) };
    }
  }

  /** Retry-After (seconds or HTTP date) when given, else exponential backoff; jittered and bounded. */
  private retryWait(response: HttpResponse, attempt: number): number {
    const cap = this.options.maxRetryWaitMs ?? 5_000;
    const header = response.headers['retry-after'];
    let wait = 2 ** (attempt - 1) * 250;
    if (header !== undefined) {
      const seconds = Number(header);
      wait = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
    }
    const jitter = 1 + Math.random() * 0.2;
    return Math.max(0, Math.min(cap, wait * jitter));
  }
}

function describeFailure(
  error: unknown,
  url: string,
  timeoutMs: number,
): { kind: TransportErrorKind; message: string } {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return { kind: 'timeout', message: `no complete response from ${url} within ${timeoutMs} ms` };
  }
  const nockMiss = /Nock: No match|Nock: Disallowed net connect/.test(
    `${e.message} ${e.cause?.message ?? ''}`,
  );
  if (nockMiss) return { kind: 'not-recorded', message: `no recording for GET ${url}` };
  const code = e.cause?.code ? ` (${e.cause.code})` : '';
  return { kind: 'network', message: `${e.cause?.message ?? e.message}${code}` };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
