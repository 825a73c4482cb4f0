import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { activeFault, LOCAL_PROVIDER_CREDENTIALS, startProvider } from '../../src/targets/targets';
import { runCli, runProcess } from '../support/fixtures';
import { COMMITTED_DIR, CONSUMER, PACT_FILE, PROVIDER, pactFor } from '../support/pact';
import { contract } from '../support/provider';
import { type VerifyCase, verifyInChild } from '../support/verify-batch';
import { recordingProxy } from '../support/writes';
import { contractChanges } from './contract-current';

async function verifyAgainst(fault: string | undefined, operations: readonly string[], run = runCli) {
  const provider = await startProvider({
    contract,
    items: 5,
    ...(fault ? { fault: activeFault(fault, contract) } : {}),
  });
  try {
    return await run('pact-verify', ['--base-url', provider.url, '--contracts', pactFor(operations)], {
      TWILIO_ACCOUNT_SID: '',
      PACT_BROKER_BASE_URL: '',
    });
  } finally {
    await provider.close();
  }
}

/** Verifications whose failures are expected: all in one child process, Pact's output kept off the terminal. */
const EXPECTED: Record<string, VerifyCase> = {
  'create-answers-200@CreateAssistant': {
    fault: 'create-answers-200@CreateAssistant',
    operations: ['CreateAssistant'],
  },
  ...Object.fromEntries(
    ['dates-with-milliseconds', 'dates-with-offset', 'omit-optional'].map((v) => [
      v,
      { fault: v, operations: ['ListSessions', 'FetchSession', 'FetchKnowledge', 'ListTools'] },
    ]),
  ),
  ...Object.fromEntries(
    [
      'missing-field@FetchTool',
      'missing-field@FetchAssistant',
      'wrong-type@ListTools',
      'wrong-meta-key@ListMessages',
      'relative-next-page-url@ListKnowledgeChunks',
      'non-iso-date@FetchKnowledge',
    ].map((f) => [f, { fault: f, operations: [f.split('@')[1] as string] }]),
  ),
};
let verified: Promise<Record<string, string | undefined>> | undefined;
/** The verification of one expected case: its failure message, or undefined when it passed. */
async function verifyInProcess(fault: string, _operations: readonly string[]): Promise<string | undefined> {
  verified ??= verifyInChild(Object.values(EXPECTED)).then((rs) =>
    Object.fromEntries(Object.keys(EXPECTED).map((k, i) => [k, rs[i] ?? undefined])),
  );
  const all = await verified;
  if (!(fault in all)) throw new Error(`${fault}: not one of the expected verification cases`);
  return all[fault];
}

describe('pact:verify of the write interactions', () => {
  it('fails on a provider whose create answers 200', async () => {
    const failure = await verifyInProcess('create-answers-200@CreateAssistant', ['CreateAssistant']);
    expect(failure).toMatch(/StatusMismatch|status/i);
  });

  it('against a base URL, write interactions without --writes: one line, exit 2, nothing sent', async () => {
    const provider = await startProvider({ contract, items: 3, credentials: LOCAL_PROVIDER_CREDENTIALS });
    let requests = 0;
    const counter = createServer((_req, res) => {
      requests++;
      res.end();
    });
    await new Promise<void>((r) => counter.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (counter.address() as { port: number }).port;
      const r = await runCli('pact-verify', ['--base-url', `http://127.0.0.1:${port}`], {
        PACT_BROKER_BASE_URL: '',
        TWILIO_ACCOUNT_SID: LOCAL_PROVIDER_CREDENTIALS.username,
        TWILIO_AUTH_TOKEN: LOCAL_PROVIDER_CREDENTIALS.password,
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(
        /^pact:verify: 15 interaction\(s\) are writes .* only with --writes <AccountSid> naming that disposable account; nothing was sent\n$/,
      );
      expect(requests).toBe(0);
    } finally {
      counter.closeAllConnections();
      await new Promise((r) => counter.close(r));
      await provider.close();
    }
  });
});

describe('pact:verify bad input', () => {
  it('an unknown --log-level is one line and exit 2, before anything is sent', async () => {
    const r = await runCli('pact-verify', ['--log-level', 'bogus'], { PACT_BROKER_BASE_URL: '' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('pact:verify: --log-level: expected error|warn|info|debug|trace, got "bogus"\n');
  });
});

describe('pact:verify against a base URL', () => {
  const env = {
    PACT_BROKER_BASE_URL: '',
    TWILIO_ACCOUNT_SID: LOCAL_PROVIDER_CREDENTIALS.username,
    TWILIO_AUTH_TOKEN: LOCAL_PROVIDER_CREDENTIALS.password,
  };
  const ids = async (url: string) => {
    const auth = `Basic ${Buffer.from(`${env.TWILIO_ACCOUNT_SID}:${env.TWILIO_AUTH_TOKEN}`).toString('base64')}`;
    const out: Record<string, unknown> = {};
    for (const op of contract.operations.filter((o) => o.kind === 'list' && o.pathParams.length === 0))
      if (contract.writes.some((w) => w.action === 'delete' && w.effect.list === op.id)) {
        const r = await fetch(`${url}${op.path}?PageSize=1000`, { headers: { authorization: auth } });
        out[op.id] = ((await r.json()) as Record<string, unknown>)[op.itemsKey ?? ''];
      }
    return out;
  };

  it('with --writes for the credentials’ account: the write states are made through the API and removed after', async () => {
    const provider = await startProvider({ contract, items: 3, credentials: LOCAL_PROVIDER_CREDENTIALS });
    const journalRoot = mkdtempSync(join(tmpdir(), 'pact-writes-'));
    try {
      const before = await ids(provider.url);
      const r = await runCli(
        'pact-verify',
        [
          '--base-url',
          provider.url,
          '--writes',
          env.TWILIO_ACCOUNT_SID,
          '--report-dir',
          journalRoot,
          // One write of each shape: a create, an update, a delete, an attach, a detach, a nested create.
          '--contracts',
          pactFor([
            'CreateTool',
            'UpdateTool',
            'DeleteTool',
            'CreateAssistantToolAttachment',
            'DeleteAssistantToolAttachment',
            'CreateFeedback',
          ]),
        ],
        env,
      );
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/pact verification passed/);
      expect(await ids(provider.url)).toEqual(before);
      // The write states' journal went where --report-dir says, and it ends done.
      const [journal] = readdirSync(join(journalRoot, 'journal'));
      expect(readFileSync(join(journalRoot, 'journal', journal as string), 'utf8')).toMatch(/"kind":"done"/);
    } finally {
      await provider.close();
    }
  });

  it('an interaction without a provider state verifies (Pact’s verifier asks for the state "" then)', async () => {
    const provider = await startProvider({ contract, items: 3, credentials: LOCAL_PROVIDER_CREDENTIALS });
    const dir = pactFor(['ListPolicies']);
    type Interaction = {
      providerStates?: unknown;
      request: { generators?: unknown; query?: { PageSize?: string[] } };
    };
    const pact = JSON.parse(readFileSync(join(dir, PACT_FILE), 'utf8')) as { interactions: Interaction[] };
    // A broker pact of another consumer may well have none: its literal path and query, no state.
    const [bare] = pact.interactions
      .filter((i) => i.request.query?.PageSize?.[0] === '1001')
      .map(({ providerStates: _s, request: { generators: _g, ...request }, ...i }) => ({ ...i, request }));
    writeFileSync(join(dir, PACT_FILE), JSON.stringify({ ...pact, interactions: [bare] }));
    try {
      const r = await runCli('pact-verify', ['--base-url', provider.url, '--contracts', dir], env);
      expect(r.stderr).toBe('');
      expect(r.status, r.stdout).toBe(0);
      expect(r.stdout).toMatch(/pact verification passed/);
    } finally {
      await provider.close();
    }
  });

  it('--only-reads verifies the reads alone and sends no write', async () => {
    const provider = await startProvider({ contract, items: 3, credentials: LOCAL_PROVIDER_CREDENTIALS });
    const proxy = await recordingProxy(provider.url);
    try {
      const r = await runCli(
        'pact-verify',
        [
          '--base-url',
          proxy.url,
          '--only-reads',
          '--contracts',
          pactFor(['ListTools', 'FetchTool', 'CreateTool', 'DeleteTool']),
        ],
        env,
      );
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/--only-reads: the write interactions are left out/);
      expect(proxy.seen.length).toBeGreaterThan(4);
      expect(new Set(proxy.seen.map((x) => x.split(' ')[0]))).toEqual(new Set(['GET']));
    } finally {
      await provider.close();
    }
  });
});

describe('npm run pact:verify', () => {
  it('by default starts the local reference provider, sets up its states and passes', async () => {
    const r = await runCli('pact-verify', [], { PACT_BROKER_BASE_URL: '' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/against the local reference provider/);
  });

  it('publishes the pacts to a broker under the git SHA and branch, token in headers only', async () => {
    const seen: Array<{ method?: string; url?: string; auth?: string }> = [];
    const broker = createServer((req, res) => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization });
      req.resume();
      req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((r) => broker.listen(0, '127.0.0.1', r));
    const port = (broker.address() as AddressInfo).port;
    const provider = await startProvider({ contract, items: 5 });
    try {
      const r = await runCli(
        'pact-verify',
        ['--base-url', provider.url, '--contracts', pactFor(['ListPolicies'])],
        {
          PACT_BROKER_BASE_URL: `http://127.0.0.1:${port}`,
          PACT_BROKER_TOKEN: 'broker-canary-token',
          GITHUB_SHA: 'abc123',
          GITHUB_REF_NAME: 'main',
          TWILIO_ACCOUNT_SID: '',
        },
      );
      expect(r.stdout + r.stderr).not.toContain('broker-canary-token');
      expect(seen.slice(0, 2)).toEqual([
        {
          method: 'PUT',
          url: `/pacticipants/${CONSUMER}/branches/main/versions/abc123`,
          auth: 'Bearer broker-canary-token',
        },
        {
          method: 'PUT',
          url: `/pacts/provider/${PROVIDER}/consumer/${CONSUMER}/version/abc123`,
          auth: 'Bearer broker-canary-token',
        },
      ]);
    } finally {
      await provider.close();
      broker.closeAllConnections();
      await new Promise((r) => broker.close(r));
    }
  });

  /** A broker serving `pact` for verification; what it was sent is kept. */
  async function brokerServing(pact: unknown) {
    const seen: Array<{ method?: string; url?: string; body: string }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, body });
        const json = (status: number, doc: unknown) =>
          res.writeHead(status, { 'content-type': 'application/hal+json' }).end(JSON.stringify(doc));
        if (req.url?.endsWith('/for-verification'))
          return json(200, {
            _embedded: { pacts: [{ _links: { self: { href: `${url}/pacts/the-one` } } }] },
          });
        if (req.url === '/pacts/the-one')
          return json(200, {
            ...(pact as object),
            _links: { 'pb:publish-verification-results': { href: `${url}/pacts/the-one/results` } },
          });
        json(201, {});
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      url,
      seen,
      close: async () => {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      },
    };
  }
  const brokerEnv = (url: string) => ({
    PACT_BROKER_BASE_URL: url,
    PACT_BROKER_TOKEN: 'broker-canary-token',
    PACT_PUBLISH_VERIFICATION: 'true',
    GITHUB_SHA: 'abc123',
    GITHUB_REF_NAME: 'main',
    TWILIO_ACCOUNT_SID: LOCAL_PROVIDER_CREDENTIALS.username,
    TWILIO_AUTH_TOKEN: LOCAL_PROVIDER_CREDENTIALS.password,
  });

  it('a pact fetched from the broker with a DELETE and a POST: refused before anything reaches the provider, exit 2', async () => {
    const local = JSON.parse(readFileSync(join(pactFor(['ListPolicies']), PACT_FILE), 'utf8'));
    const get = local.interactions[0];
    const hostile = {
      ...local,
      interactions: [
        get,
        {
          ...get,
          description: 'delete it',
          request: { method: 'DELETE', path: '/v1/Assistants/aia_asst_1' },
        },
        { ...get, description: 'make one', request: { method: 'POST', path: '/v1/Assistants' } },
      ],
    };
    const broker = await brokerServing(hostile);
    let requests = 0;
    const provider = createServer((_req, res) => {
      requests++;
      res.end();
    });
    await new Promise<void>((r) => provider.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (provider.address() as AddressInfo).port;
      const r = await runCli(
        'pact-verify',
        ['--base-url', `http://127.0.0.1:${port}`, '--contracts', pactFor(['ListPolicies'])],
        brokerEnv(broker.url),
      );
      expect(r.status, r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toMatch(/2 interaction\(s\) are writes \(DELETE delete it…\).*nothing was sent\n$/);
      expect(requests).toBe(0);
      expect(broker.seen.some((s) => s.url?.endsWith('/results'))).toBe(false);
    } finally {
      provider.closeAllConnections();
      await new Promise((r) => provider.close(r));
      await broker.close();
    }
  });

  it('a GET-only pact from the broker is verified as fetched and its own result published there', async () => {
    const pact = JSON.parse(readFileSync(join(pactFor(['ListPolicies']), PACT_FILE), 'utf8'));
    const broker = await brokerServing(pact);
    const provider = await startProvider({ contract, items: 5, credentials: LOCAL_PROVIDER_CREDENTIALS });
    try {
      const r = await runCli(
        'pact-verify',
        ['--base-url', provider.url, '--contracts', pactFor(['ListPolicies'])],
        brokerEnv(broker.url),
      );
      expect(r.status, r.stdout + r.stderr).toBe(0);
      const results = broker.seen.filter((s) => s.url === '/pacts/the-one/results');
      expect(results).toHaveLength(1);
      expect(JSON.parse(results[0]?.body ?? '{}')).toMatchObject({
        success: true,
        providerApplicationVersion: 'abc123',
      });
      expect(broker.seen.map((s) => `${s.method} ${s.url}`)).toContain(
        `PUT /pacticipants/${PROVIDER}/branches/main/versions/abc123`,
      );
    } finally {
      await provider.close();
      await broker.close();
    }
  });

  it('passes against a separately started faithful provider', async () => {
    const r = await verifyAgainst(undefined, ['ListTools', 'FetchTool']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/publishing skipped: PACT_BROKER_BASE_URL is not set/);
    expect(r.stdout).toMatch(/pact verification passed/);
  });

  it.each([['dates-with-milliseconds'], ['dates-with-offset'], ['omit-optional']])(
    'passes against a faithful provider variant: %s',
    async (variant) => {
      expect(
        await verifyInProcess(variant, ['ListSessions', 'FetchSession', 'FetchKnowledge', 'ListTools']),
      ).toBeUndefined();
    },
  );

  // Pact's own diff where the pact pins the field; the proxy's line (the pointer, what was expected)
  // where it cannot (a free string, which Twilio may answer null, is not pinned).
  it.each([
    ['missing-field@FetchTool', /^proxy: .*\(FetchTool\): \/name .*required property 'name'/m],
    ['missing-field@FetchAssistant', /^proxy: .*\(FetchAssistant\): \/owner .*required property 'owner'/m],
    [
      'wrong-type@ListTools',
      /^proxy: .*\(ListTools\): \/tools\/0\/enabled .*expected \{"type":"boolean"\}, got "(true|false)"/m,
    ],
    ['wrong-meta-key@ListMessages', /BodyMismatch[\s\S]*key/],
    ['relative-next-page-url@ListKnowledgeChunks', /^proxy: .*\/meta\/next_page_url .*format "uri"/m],
    ['non-iso-date@FetchKnowledge', /^proxy: .*\/date_created .*format "date-time"/m],
  ])('fails against the %s fault, saying where', async (fault, found) => {
    const failure = await verifyInProcess(fault, [fault.split('@')[1] as string]);
    expect(failure).toMatch(found);
  });

  it('the command fails with pact’s readable diff and exit 1 (as a process: Pact prints the diff itself)', async () => {
    const r = await verifyAgainst('wrong-meta-key@ListMessages', ['ListMessages'], runProcess);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    // Pact's readable diff reaches the terminal; the rest of its output goes to the log.
    const out = stripVTControlCharacters(r.stdout);
    expect(out).toMatch(/^Failures:/m);
    expect(out).toMatch(/\$\.meta\.key -> Expected/);
    expect(out).not.toMatch(/has a matching body \(OK\)/);
    expect(out).toMatch(/^Pact's output: .*verify\.log$/m);
    expect(r.stderr).toMatch(/^pact:verify: verification failed: one or more interactions did not match/m);
  });

  it('a contracts file that is not a pact: one line, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contracts-'));
    writeFileSync(join(dir, 'x.json'), '{"hello": 1}');
    const r = await runCli('pact-verify', ['--contracts', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^pact:verify: pact .*x\.json: not a pact \(needs consumer\.name/);
  });
});

describe('contract changes are named, never silent', () => {
  const committed = JSON.parse(readFileSync(join(COMMITTED_DIR, PACT_FILE), 'utf8'));
  it('names an interaction whose response changed, one that was added and one removed', () => {
    const changed = structuredClone(committed);
    const [first, ...rest] = changed.interactions;
    first.response.status = 418;
    rest.pop();
    changed.interactions = [first, ...rest, { ...first, description: 'a new interaction' }];
    const lines = contractChanges(changed, committed);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(`^changed interaction "${first.description}" at /response/status: \\d+ → 418`),
      ),
    );
    expect(lines).toContain('added interaction "a new interaction"');
    expect(lines.filter((l) => l.startsWith('removed interaction'))).toHaveLength(1);
  });
});

describe('pact:verify as a process: Pact’s own output redacted, a deadline', () => {
  const serve = async (
    handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void,
  ) => {
    const server = createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: async () => {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      },
    };
  };

  it('a provider echoing the token into the body: no 8 consecutive characters of it in anything printed', async () => {
    const token = '0f3a9c1b7d2e4f60a8b9c0d1e2f3a4b5';
    const echo = await serve((req, res) => {
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const secret = Buffer.from(basic, 'base64').toString().split(':')[1] ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          policies: [{ type: secret, policy_details: secret, id: secret }],
          meta: { key: secret },
        }),
      );
    });
    try {
      const r = await runProcess(
        'pact-verify',
        ['--base-url', echo.url, '--only-reads', '--contracts', pactFor(['ListPolicies'])],
        { PACT_BROKER_BASE_URL: '', TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`, TWILIO_AUTH_TOKEN: token },
      );
      expect(r.status).toBe(1);
      const printed = r.stdout + r.stderr;
      for (let i = 0; i + 8 <= token.length; i++)
        expect(printed.includes(token.slice(i, i + 8)), token.slice(i, i + 8)).toBe(false);
    } finally {
      await echo.close();
    }
  });

  it('a provider that never answers: stopped at --deadline, one line, exit 1', async () => {
    const hang = await serve(() => {});
    try {
      const started = Date.now();
      const r = await runProcess(
        'pact-verify',
        ['--base-url', hang.url, '--only-reads', '--contracts', pactFor(['ListPolicies']), '--deadline', '1'],
        { PACT_BROKER_BASE_URL: '' },
      );
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/pact:verify: did not finish within --deadline 1 s; stopped/);
    } finally {
      await hang.close();
    }
  });
});
