// Hostile and unlucky providers for the write-safety suites: a proxy in front of the reference
// provider that bends answers as a provider may — an answer replaced after the write was carried
// out, a connection reset once it was, an answer that never comes, a removal that removes nothing,
// another account's SID, lists that fail or never end. Each bend is a small function of the request
// and of the real answer (fetched only when it asks for it), so a test reads as the provider's
// misbehaviour written down.

import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { type JournalEntry, readJournal } from '../../src/run/journal';
import { type RunningProvider, startProvider } from '../../src/targets/targets';
import { type CliResult, runCli } from './fixtures';
import { send } from './http';
import { contract } from './provider';
import { creds, env } from './writes';

/** A request the proxy was sent. */
export interface Asked {
  method: string;
  /** Path and query, as sent. */
  url: string;
  path: string;
  body: string;
  /** Sent with credentials (an Authorization header). */
  authorized?: boolean;
}

/** An answer the proxy gives: the provider's, or one made up. */
export interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** A connection reset (nothing answered), or an answer that never comes. */
export type Bent = Answer | 'reset' | 'hang';

/**
 * How the proxy bends one request: undefined passes it through; `forward` sends it to the provider
 * (the write is carried out) and resolves to the provider's answer, which the bend may change.
 */
export type Bend = (
  asked: Asked,
  forward: (url?: string) => Promise<Answer>,
) => Bent | undefined | Promise<Bent | undefined>;

export interface HostileProxy {
  url: string;
  /** Every request the proxy was sent, in order. */
  seen: Asked[];
  /** The provider requests are forwarded to from now on (another account behind the same host). */
  retarget(url: string): void;
  /** The bend from now on (undefined: none). */
  bend(b: Bend | undefined): void;
  close(): Promise<void>;
}

const open: Array<{ close(): Promise<void> }> = [];
afterAll(() => Promise.all(open.splice(0).map((p) => p.close())));

/**
 * A reference provider behind the same credentials whose items and answers are another account's:
 * what an API key of that account reaches while TWILIO_ACCOUNT_SID names the user's. Closed after the suite.
 */
export async function otherAccount(account: string, items: number, seed: number): Promise<RunningProvider> {
  const p = await startProvider({
    contract,
    items,
    seed,
    credentials: creds,
    accountSid: account,
    processingMs: 30,
  });
  open.push(p);
  return p;
}

/**
 * The flags of a live run that writes to the credentials' account through `url`, its reports in `dir`.
 * Processing (the provider's takes 30 ms) is polled for 3 s, not live's 30 s: a run whose reads a
 * bend, a deadline or a signal stops would otherwise sit out the whole bound.
 */
export const writingFlags = (url: string, dir: string): string[] => [
  '--target',
  'live',
  '--base-url',
  url,
  '--writes',
  creds.username,
  '--report-dir',
  dir,
  '--no-pagination',
  '--processing-timeout',
  '3',
];

async function forwardTo(target: string, asked: Asked, auth: string | undefined): Promise<Answer> {
  const r = await send(`${target}${asked.url}`, {
    method: asked.method,
    headers: {
      ...(auth ? { authorization: auth } : {}),
      accept: 'application/json',
      ...(asked.body ? { 'content-type': 'application/json' } : {}),
    },
    ...(asked.body ? { body: asked.body } : {}),
  });
  return {
    status: r.status,
    body: r.text,
    headers: { 'content-type': r.headers['content-type'] ?? 'application/json' },
  };
}

/** Sends an answer, the provider's origin in it (page links) made the proxy's, as a provider behind it would. */
function answer(res: ServerResponse, a: Answer, from: string, to: string): void {
  res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
  res.end(a.status === 204 ? undefined : a.body.split(from).join(to));
}

export async function hostileProxy(target: string, initial?: Bend): Promise<HostileProxy> {
  let to = target;
  let bend = initial;
  const seen: Asked[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const asked = {
        method: req.method ?? 'GET',
        url,
        path: url.split('?')[0] ?? url,
        body: Buffer.concat(chunks).toString('utf8'),
        authorized: req.headers.authorization !== undefined,
      };
      seen.push(asked);
      // Sent to the provider once, whatever the bend asks (another path and query: a page it serves).
      let forwarded: Promise<Answer> | undefined;
      const forward = (other?: string) => {
        forwarded ??= forwardTo(to, other ? { ...asked, url: other } : asked, req.headers.authorization);
        return forwarded;
      };
      Promise.resolve(bend?.(asked, forward))
        .then(async (b) => {
          const out = b ?? (await forward());
          if (out === 'reset') req.socket.destroy();
          else if (out === 'hang') hanging.add(res);
          else answer(res, out, to, proxy.url);
        })
        .catch(() => req.socket.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const proxy: HostileProxy = {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    seen,
    retarget: (url) => {
      to = url;
    },
    bend: (b) => {
      bend = b;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  open.push(proxy);
  return proxy;
}

/** The JSON object an answer holds (an empty one when it holds none). */
export function jsonOf(a: Answer): Record<string, unknown> {
  try {
    const v = JSON.parse(a.body) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The answer with its JSON object changed by `change`. */
export const withJson = (
  a: Answer,
  change: (o: Record<string, unknown>) => Record<string, unknown>,
): Answer => ({
  ...a,
  body: JSON.stringify(change(jsonOf(a))),
});

/** A Twilio-shaped error answer. */
export const errorAnswer = (status: number, message = 'bent by the test'): Answer => ({
  status,
  body: JSON.stringify({
    code: 20000 + status,
    message,
    more_info: 'https://www.twilio.com/docs/errors',
    status,
  }),
});

/** Whether a request is a create of a top-level list (POST to a path of one segment under the version). */
export const isTopCreate = (a: Asked, path?: string): boolean =>
  a.method === 'POST' && (path ? a.path === path : /^\/v1\/[^/]+$/.test(a.path));

/** Whether a request is a DELETE of an item (its path ends with an id). */
export const isDelete = (a: Asked, under?: string): boolean =>
  a.method === 'DELETE' && (under ? a.path.startsWith(`${under}/`) : true);

/** Counts what a bend has seen, so it can bend only the nth request it matches. */
export function nth(match: (a: Asked) => boolean, which: (k: number) => boolean, then: Bend): Bend {
  let k = 0;
  return (asked, forward) => (match(asked) && which(++k) ? then(asked, forward) : undefined);
}

/** Every file under the folders given whose text holds a secret, in any form it travels in. */
export function secretsOnDisk(dirs: readonly string[], secret: string, user: string): string[] {
  const forms = [
    secret,
    encodeURIComponent(secret),
    Buffer.from(secret).toString('base64'),
    Buffer.from(`${user}:${secret}`).toString('base64').replace(/=+$/, ''),
  ];
  const found: string[] = [];
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const f of readdirSync(path)) visit(join(path, f));
      return;
    }
    const text = readFileSync(path, 'utf8');
    if (forms.some((f) => text.includes(f))) found.push(path);
  };
  for (const d of dirs) visit(d);
  return found;
}

/** A run's journal: the one file a run wrote in a folder, read (torn or damaged lines skipped). */
export function journalIn(dir: string): { file: string; entries: JournalEntry[] } {
  const [name] = readdirSync(dir).filter((f) => f.endsWith('.jsonl') && f !== 'elsewhere.jsonl');
  if (!name) throw new Error(`no journal in ${dir}`);
  const file = join(dir, name);
  return { file, entries: readJournal(file) };
}

export interface WritingRun extends CliResult {
  /** The report folder; its journal folder. */
  dir: string;
  journalDir: string;
}

/**
 * `npm run conformance -- --target live --base-url URL --writes <the credentials' account>`, in this
 * process, with its reports (and journal) in a folder of its own and the default journal folder in it.
 */
export async function writingRun(url: string, args: string[] = []): Promise<WritingRun> {
  const dir = mkdtempSync(join(tmpdir(), 'writes-'));
  const r = await runCli('conformance', [...writingFlags(url, dir), ...args], {
    CONFORMANCE_JOURNAL_DIR: join(dir, 'default'),
    ...env,
  });
  return { ...r, dir, journalDir: join(dir, 'journal') };
}

/** `npm run cleanup` of one journal folder, in this process, with these credentials (the run's by default). */
export const cleanupRun = (url: string, journalDir: string, as: Record<string, string> = env) =>
  runCli(
    'cleanup',
    ['--base-url', url, '--writes', as.TWILIO_ACCOUNT_SID as string, '--journal-dir', journalDir],
    {
      CONFORMANCE_JOURNAL_DIR: journalDir,
      ...as,
    },
  );

/** The last line a command printed: what happened, in one line. */
export const lastLine = (r: CliResult): string => r.stdout.trim().split('\n').at(-1) ?? '';

/** The kth create of a top-level list carried out by the provider, then answered with `then` (a reset, a 429…). */
export const carriedOut = (path: string, k: number, then: () => Bent): Bend =>
  nth(
    (a) => isTopCreate(a, path),
    (n) => n === k,
    async (_a, forward) => {
      await forward();
      return then();
    },
  );
