// The reference provider's shared HTTP steps: what an answer is, Twilio's error body, Basic
// authentication, reading a request body (bounded) and writing an answer to the socket.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { JSON_MEDIA, type Operation, successMedia, successStatus } from '../model/operation';

/** What the handler of a request did, for the faults that bend it by kind. */
export type Route = 'fetch' | 'list' | 'not-found' | 'bad-request' | 'unauthorized' | 'write';

export interface ProviderResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Answer {
  response: ProviderResponse;
  route: Route;
  /** Answers on the socket itself (a transport fault: a reset, a body that never ends). */
  takeover?: (res: ServerResponse) => void;
}

/** The largest request body the provider reads. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

export const json = (status: number, body: unknown, media = JSON_MEDIA): ProviderResponse => ({
  status,
  headers: { 'content-type': `${media}; charset=utf-8` },
  body: JSON.stringify(body),
});

/** A read's documented answer: its status (200, or the redirect its spec documents) and media type. */
export const documented = (op: Pick<Operation, 'success' | 'media'>, body: unknown): ProviderResponse =>
  json(successStatus(op), body, successMedia(op));

/** Twilio's error body: {code, message, more_info, status}. */
export const twilioError = (status: number, code: number, message: string): ProviderResponse =>
  json(status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

export const answer = (response: ProviderResponse, route: Route): Answer => ({ response, route });

export const notFound = (path: string): Answer =>
  answer(twilioError(404, 20404, `The requested resource ${path} was not found`), 'not-found');
export const badRequest = (message: string): Answer =>
  answer(twilioError(400, 20001, message), 'bad-request');
export const unauthorized = (): Answer =>
  answer(twilioError(401, 20003, 'Authentication Error - invalid username'), 'unauthorized');
export const methodNotAllowed = (): Answer =>
  answer(twilioError(405, 20004, 'Method not allowed'), 'bad-request');
export const serverError = (message: string): Answer =>
  answer(twilioError(500, 20500, `Internal Server Error${message ? `: ${message}` : ''}`), 'bad-request');

/** A Basic pair: exactly these credentials when set, else any well-formed account or key SID with a secret. */
export function authorised(
  header: string | undefined,
  credentials: { username: string; password: string } | undefined,
): boolean {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m?.[1]) return false;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const [user, pass] = colon < 0 ? [decoded, ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  if (credentials) return user === credentials.username && pass === credentials.password;
  return /^(AC|SK)[0-9a-fA-F]{32}$/.test(user) && pass.length > 0;
}

/** A request's body, bounded: larger than MAX_REQUEST_BYTES is undefined, never buffered whole. */
export function readBody(req: IncomingMessage, done: (text: string | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
  });
  req.on('end', () => done(size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
}

export function send(res: ServerResponse, a: Answer): void {
  if (a.takeover) {
    a.takeover(res);
    return;
  }
  const { status, headers, body } = a.response;
  // Node never sends a 204's body, and a client never reads one: a fault that gives one says so
  // in its headers (what a client sees of such a body), on a connection it then closes.
  if (status === 204 && body !== '') {
    res.socket?.end(
      `HTTP/1.1 204 No Content\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`,
    );
    return;
  }
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
