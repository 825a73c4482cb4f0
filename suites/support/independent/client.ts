// What the independent suites share: the account and token the stand-in is started with, a stand-in
// the suite closes when it ends, and a small client that talks to it as any HTTP client would.

import { afterAll } from 'vitest';
import { type StandIn, type StandInOptions, startStandIn } from './server';

export const ACCOUNT = `AC${'a1b2c3d4e5f60718'.repeat(2)}`;
export const TOKEN = 'independent-stand-in-token';
export const ENV = { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: TOKEN };
const AUTH = `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`;

const running: StandIn[] = [];
afterAll(() => Promise.all(running.map((s) => s.close())));

/** A stand-in for this suite's account, closed when the suite ends. */
export async function standIn(opts: Partial<StandInOptions> = {}): Promise<StandIn> {
  const s = await startStandIn({ accountSid: ACCOUNT, authToken: TOKEN, processingMs: 60, ...opts });
  running.push(s);
  return s;
}

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: a test reads whatever JSON came back
  body: any;
}

/** One request with the account's credentials (or `auth` instead); a JSON body is sent as JSON. */
export async function call(
  s: { url: string },
  method: string,
  path: string,
  body?: unknown,
  auth: string | null = AUTH,
): Promise<Reply> {
  const headers: Record<string, string> = auth ? { authorization: auth } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(`${s.url}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined };
}

export const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
