import { createServer, type Server } from 'node:http';
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GetOnlyError, HttpTransport } from '../../src/transport/http';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A loopback server answering each request with the next scripted reply. */
async function scripted(replies: Array<(res: import('node:http').ServerResponse) => void>) {
  const seen: Array<{ url: string; authorization?: string }> = [];
  const server = createServer((req, res) => {
    seen.push({
      url: req.url ?? '',
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    (replies[Math.min(seen.length - 1, replies.length - 1)] as (r: typeof res) => void)(res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const ok = (res: import('node:http').ServerResponse) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
const creds = { username: `AC${'1'.repeat(32)}`, password: 'secret-token' };

describe('HttpTransport', () => {
  it('refuses POST, PUT, DELETE and PATCH, sending nothing', async () => {
    const s = await scripted([ok]);
    const t = new HttpTransport({ target: 'live', baseUrl: s.url, credentials: creds });
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'post']) {
      await expect(t.send(method, '/v1/Sessions')).rejects.toThrow(GetOnlyError);
    }
    expect(s.seen).toEqual([]);
    expect((await t.send('GET', '/v1/Sessions')).response?.status).toBe(200);
  });

  it('stops at the request budget', async () => {
    const s = await scripted([ok]);
    const t = new HttpTransport({ target: 'live', baseUrl: s.url, credentials: creds, budget: 2 });
    await t.get('/a');
    await t.get('/b');
    const third = await t.get('/c');
    expect(third.error).toMatchObject({ kind: 'budget' });
    expect(s.seen).toHaveLength(2);
  });

  it('honours Retry-After on 429 and 503, a bounded number of times', async () => {
    const limited = (res: import('node:http').ServerResponse) =>
      res.writeHead(429, { 'retry-after': '0' }).end();
    const unavailable = (res: import('node:http').ServerResponse) => res.writeHead(503).end();
    const s = await scripted([limited, unavailable, ok]);
    const t = new HttpTransport({ target: 'live', baseUrl: s.url, credentials: creds, maxRetryWaitMs: 20 });
    const e = await t.get('/v1/Sessions');
    expect(e.response?.status).toBe(200);
    expect(e.attempts).toBe(3);

    const always = await scripted([limited]);
    const t2 = new HttpTransport({
      target: 'live',
      baseUrl: always.url,
      credentials: creds,
      maxRetries: 2,
      maxRetryWaitMs: 5,
    });
    const gaveUp = await t2.get('/v1/Sessions');
    expect(gaveUp.response?.status).toBe(429);
    expect(always.seen).toHaveLength(3);
  });

  it('times out a response that never ends', async () => {
    const s = await scripted([(res) => res.writeHead(200).write('{"partial":')]);
    const t = new HttpTransport({ target: 'live', baseUrl: s.url, credentials: creds, timeoutMs: 200 });
    const started = Date.now();
    const e = await t.get('/v1/Sessions');
    expect(e.error).toMatchObject({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('sends a request once more on a fresh connection when the server closed the kept-alive one, and only then', async () => {
    let requests = 0;
    const sockets: Socket[] = [];
    /** Answers every request, except that it closes the connection of those `closeOn` picks instead. */
    const server = (closeOn: (request: number) => boolean) =>
      createNetServer((socket) => {
        sockets.push(socket);
        let buffered = '';
        socket.on('data', (d) => {
          buffered += d;
          while (buffered.includes('\r\n\r\n')) {
            buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
            requests++;
            if (closeOn(requests)) {
              socket.destroy();
              return;
            }
            socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
          }
        });
      });
    const listen = async (srv: NetServer) => {
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    };
    const stale = server((n) => n === 2);
    const reset = server(() => true);
    try {
      // The second request goes out on the first, kept-alive connection, which the server closes.
      const t = new HttpTransport({ target: 'live', baseUrl: await listen(stale), credentials: creds });
      expect((await t.get('/v1/Sessions')).response?.status).toBe(200);
      const again = await t.get('/v1/Sessions?Page=1');
      expect(again.error).toBeUndefined();
      expect(again.response?.status).toBe(200);
      expect(requests).toBe(3);
      // A fresh connection closed without an answer is the provider's failure: reported, not resent.
      requests = 0;
      const u = new HttpTransport({ target: 'live', baseUrl: await listen(reset), credentials: creds });
      const failed = await u.get('/v1/Sessions');
      expect(failed.error?.kind).toBe('network');
      expect(failed.error?.message).toMatch(/socket hang up|ECONNRESET/);
      expect(requests).toBe(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await Promise.all([stale, reset].map((srv) => new Promise((r) => srv.close(r))));
    }
  });

  it('reports a URL node cannot send (neither http nor https) as a network error, without throwing', async () => {
    const t = new HttpTransport({ target: 'recorded:x', baseUrl: 'ftp://127.0.0.1:1' });
    const e = await t.get('/v1/Sessions');
    expect(e.error).toEqual({
      kind: 'network',
      message: expect.stringMatching(/Protocol "ftp:" not supported.*ERR_INVALID_PROTOCOL/),
      code: 'ERR_INVALID_PROTOCOL',
    });
  });

  it('reports a refused connection as a network error', async () => {
    const s = await scripted([ok]);
    const closed = servers.pop() as Server;
    await new Promise((r) => closed.close(r));
    const t = new HttpTransport({ target: 'live', baseUrl: s.url, credentials: creds });
    expect((await t.get('/v1/Sessions')).error).toMatchObject({
      kind: 'network',
      message: expect.stringMatching(/ECONNREFUSED/),
    });
  });

  it('sends credentials only to its own origin, and never keeps them in an exchange', async () => {
    const s = await scripted([ok]);
    const t = new HttpTransport({ target: 'live', baseUrl: s.url, credentials: creds });
    const other = await t.get('http://127.0.0.2:9/v1/Sessions');
    expect(other.error).toMatchObject({ kind: 'refused' });
    const e = await t.get('/v1/Sessions');
    expect(s.seen[0]?.authorization).toBe(
      `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`,
    );
    expect(JSON.stringify([other, e])).not.toContain('secret-token');
    expect(JSON.stringify(e)).not.toContain(
      Buffer.from(`${creds.username}:${creds.password}`).toString('base64'),
    );
    await t.get('/v1/Sessions', { authenticate: false });
    expect(s.seen[1]?.authorization).toBeUndefined();
  });
});

describe('cassette replay', () => {
  it('answers a request only from its own recording: method, path with query, credentials or not, body as a value', async () => {
    const { replay } = await import('../../src/transport/cassette');
    const origin = 'https://replay.example.test';
    const restore = await replay({
      label: 'replay test',
      source: 'test',
      origin,
      recordedAt: '2026-11-27T00:00:00Z',
      file: 'replay.json',
      name: 'replay',
      interactions: [
        {
          request: { method: 'GET', path: '/v1/Things?PageSize=2', authenticated: true },
          response: { status: 200, headers: { 'content-type': 'application/json' }, body: { n: 1 } },
        },
        {
          request: { method: 'GET', path: '/v1/Things?PageSize=2', authenticated: false },
          response: { status: 401, headers: { 'content-type': 'application/json' }, body: { n: 2 } },
        },
        {
          request: { method: 'POST', path: '/v1/Things', authenticated: true, body: { a: 1, b: 'x' } },
          response: { status: 201, headers: { 'content-type': 'application/json' }, body: { n: 3 } },
        },
      ],
    } as never);
    const auth = { authorization: `Basic ${Buffer.from('AC1:secret').toString('base64')}` };
    const send = async (path: string, init: RequestInit = {}) => {
      const { default: https } = await import('node:https');
      return new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = https.request(
          `${origin}${path}`,
          { method: init.method ?? 'GET', headers: init.headers as never },
          (res) => {
            let body = '';
            res.on('data', (c) => {
              body += c;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end(init.body as string | undefined);
      });
    };
    try {
      expect(await send('/v1/Things?PageSize=2', { headers: auth })).toEqual({
        status: 200,
        body: '{"n":1}',
      });
      expect(await send('/v1/Things?PageSize=2')).toEqual({ status: 401, body: '{"n":2}' });
      expect((await send('/v1/Things?PageSize=3', { headers: auth })).status).toBe(599);
      expect((await send('/v1/Things?PageSize=2', { headers: { authorization: 'Bearer x' } })).status).toBe(
        599,
      );
      const post = (body: string) =>
        send('/v1/Things', {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body,
        });
      expect(await post('{"b":"x","a":1}')).toEqual({ status: 201, body: '{"n":3}' });
      expect((await post('{"a":2,"b":"x"}')).status).toBe(599);
      expect((await send('/v1/Things', { method: 'DELETE', headers: auth })).status).toBe(599);
    } finally {
      restore();
    }
  });

  it('a replayed request leaves no socket handle behind (nock closes its sockets without their handles)', async () => {
    const { replay } = await import('../../src/transport/cassette');
    const origin = 'https://replay.example.test';
    const restore = await replay({
      label: 'handles',
      source: 'test',
      origin,
      recordedAt: '2026-11-27T00:00:00Z',
      file: 'handles.json',
      name: 'handles',
      interactions: [
        {
          request: { method: 'GET', path: '/v1/Things', authenticated: true },
          response: { status: 200, headers: { 'content-type': 'application/json' }, body: {} },
        },
      ],
    } as never);
    const transport = new HttpTransport({
      target: 'recorded:handles',
      baseUrl: origin,
      credentials: { username: 'AC1', password: 'x' },
      maxRetries: 0,
    });
    const handles = () =>
      (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
    try {
      await transport.get('/v1/Things');
      const before = handles();
      for (let i = 0; i < 100; i++) expect((await transport.get('/v1/Things')).response?.status).toBe(200);
      await new Promise((r) => setTimeout(r, 20));
      expect(handles() - before).toBeLessThan(5);
    } finally {
      restore();
    }
  });
});
