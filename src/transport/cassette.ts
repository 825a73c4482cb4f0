// Cassettes: recorded exchanges committed with the project, replayed through nock so the recorded
// target goes through the same HTTP client as live traffic. Each cassette says where it came from.
// A request's credentials are never stored, only whether it carried any.

import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../errors';
import { readTextFile } from '../fs-read';
import { isRecord } from '../json';
import { NOT_RECORDED_HEADER } from './http';

export const RECORDED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export interface Interaction {
  request: {
    method: (typeof RECORDED_METHODS)[number];
    path: string;
    authenticated: boolean;
    /** A write's JSON body, as sent. */
    body?: unknown;
  };
  response: { status: number; headers: Record<string, string>; body?: unknown; bodyText?: string };
}

/** A recorded request as a run replays it: what was sent, with credentials or not. */
export type RecordedRequest = Interaction['request'];

export interface Cassette {
  /** What it is, for people: shown in reports as the target's name. */
  label: string;
  /** Where it came from: "docs-example", "local-provider", "live". */
  source: string;
  origin: string;
  recordedAt?: string;
  interactions: Interaction[];
}

export interface LoadedCassette extends Cassette {
  file: string;
  name: string;
}

export function loadCassettes(dir: string): LoadedCassette[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    throw new UsageError(`recordings folder ${dir}: not found`);
  }
  if (files.length === 0) throw new UsageError(`recordings folder ${dir}: no *.json cassettes`);
  return files.sort().map((f) => loadCassette(join(dir, f)));
}

export function loadCassette(file: string): LoadedCassette {
  let raw: unknown;
  try {
    raw = JSON.parse(readTextFile(file, 'cassette'));
  } catch (error) {
    throw new UsageError(`cassette ${file}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
  const bad = (where: string, what: string): never => {
    throw new UsageError(`cassette ${file}: ${where} ${what}`);
  };
  if (!isRecord(raw)) return bad('(root)', 'must be an object');
  for (const key of ['label', 'source', 'origin'] as const) {
    if (typeof raw[key] !== 'string' || raw[key] === '') bad(`/${key}`, 'must be a non-empty string');
  }
  try {
    new URL(raw.origin as string);
  } catch {
    bad('/origin', `is not a URL: ${JSON.stringify(raw.origin)}`);
  }
  if (!Array.isArray(raw.interactions) || raw.interactions.length === 0)
    bad('/interactions', 'must be a non-empty array');
  for (const [k, it] of (raw.interactions as unknown[]).entries()) {
    const at = `/interactions/${k}`;
    if (!isRecord(it) || !isRecord(it.request) || !isRecord(it.response)) {
      return bad(at, 'needs request and response objects');
    }
    const { request, response } = it;
    if (!RECORDED_METHODS.includes(request.method as Interaction['request']['method']))
      bad(`${at}/request/method`, `must be one of ${RECORDED_METHODS.join(', ')}`);
    if (typeof request.path !== 'string' || !request.path.startsWith('/'))
      bad(`${at}/request/path`, 'must be a path starting with /');
    if (typeof request.authenticated !== 'boolean')
      bad(`${at}/request/authenticated`, 'must be true or false');
    if (
      !Number.isInteger(response.status) ||
      (response.status as number) < 100 ||
      (response.status as number) > 599
    ) {
      bad(`${at}/response/status`, 'must be an HTTP status');
    }
    if (!isRecord(response.headers)) bad(`${at}/response/headers`, 'must be an object');
    if (response.bodyText !== undefined && typeof response.bodyText !== 'string')
      bad(`${at}/response/bodyText`, 'must be a string');
    if ('authorization' in (response.headers as object) || 'authorization' in request) {
      bad(at, 'carries an Authorization header; cassettes must not hold credentials');
    }
  }
  return { ...(raw as unknown as Cassette), file, name: basename(file, '.json') };
}

/**
 * Installs a cassette into nock; anything not recorded fails as "not recorded", never hits the
 * network. nock is loaded here, when a cassette is replayed: it intercepts every request once loaded.
 */
export async function replay(cassette: Cassette): Promise<() => void> {
  const { default: nock } = await import('nock');
  nock.disableNetConnect();
  // One interceptor per method answering from a map, not one per recording: nock tries its
  // interceptors in turn on every request, so a cassette of N exchanges would cost N² matches.
  // The first recording of a request (method, path with query, credentials or not, body) answers it.
  const recorded = new Map<string, Interaction['response']>();
  for (const { request, response } of cassette.interactions) {
    const key = requestKey(request.method, request.path, request.authenticated, request.body);
    if (!recorded.has(key)) recorded.set(key, response);
  }
  for (const method of RECORDED_METHODS)
    nock(cassette.origin)
      .persist()
      .intercept(() => true, method)
      .reply(async (request: Request) => {
        const authorization = request.headers.get('authorization');
        const authenticated = authorization !== null && /^Basic \S+$/.test(authorization);
        const url = new URL(request.url);
        const text = await request.text();
        const response =
          authorization === null || authenticated
            ? recorded.get(requestKey(method, url.pathname + url.search, authenticated, bodyOf(text)))
            : undefined;
        if (!response) return [599, 'not recorded', { [NOT_RECORDED_HEADER]: 'true' }];
        const body = response.bodyText ?? (response.body === undefined ? '' : JSON.stringify(response.body));
        return [response.status, body, response.headers];
      });
  if (!nock.isActive()) nock.activate();
  return () => {
    nock.cleanAll();
    nock.enableNetConnect();
    // Interception ends with the replay: whatever runs next in this process reaches the network.
    nock.restore();
  };
}

/** A request body as sent: JSON when it parses, else its text; none when empty. */
function bodyOf(body: string): unknown {
  if (body === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** JSON with object keys sorted, so two bodies equal as values have one key. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    isRecord(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map((k) => [k, x[k]]),
        )
      : x,
  ) ?? '';

const requestKey = (method: string, path: string, authenticated: boolean, body: unknown): string =>
  `${method} ${path} ${authenticated ? 'auth' : 'anon'} ${body === undefined ? '' : canonical(body)}`;
