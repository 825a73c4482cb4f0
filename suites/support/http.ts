// One HTTP exchange on node:http, for the suites' proxies and clients: a local provider is sent
// thousands of requests by a suite's proxies, and fetch (undici) spent several times node:http's CPU
// on each. Connections are kept alive per origin; an answer is read whole.

import { Agent, request } from 'node:http';

export interface Exchanged {
  status: number;
  /** Response headers, lower-case names (a repeated one joined as node joins it). */
  headers: Record<string, string | undefined>;
  text: string;
}

const agent = new Agent({ keepAlive: true });

/** Sends one request to an http:// URL; rejects when the connection fails or is reset. */
export function send(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Exchanged> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: o.method ?? 'GET', headers: o.headers ?? {}, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const headers: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(res.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(o.body);
  });
}
