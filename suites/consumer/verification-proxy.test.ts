// The verification proxy between Pact and the provider: every answer judged against the resolved
// contract. Pact cannot pin what it cannot say ("optional", "this type or null"), so a field that is
// present but wrong passes Pact's matchers; the proxy fails the verification on it, one line naming
// the operation, the pointer and what was expected — and stays quiet on a faithful provider, on one
// that leaves optional fields out, and on a null Twilio's convention allows.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/build';
import { mutants } from '../../src/mutation/run';
import { judgeRead } from '../../src/pact/answers';
import { stateHandlers } from '../../src/pact/provider-states';
import { startVerificationProxy } from '../../src/pact/proxy';
import { stateWritesTo } from '../../src/pact/verify';
import { Contract } from '../../src/schemas/contract';
import { generate } from '../../src/schemas/generate';
import { FAULTS, LOCAL_PROVIDER_CREDENTIALS, startProvider } from '../../src/targets/targets';
import { HttpTransport } from '../../src/transport/http';
import { FIXTURES } from '../support/fixtures';
import { index } from '../support/pact';
import { contract } from '../support/provider';
import { type VerifyCase, verifyInChild } from '../support/verify-batch';

const reads = contract.operations.map((op) => op.id);
const everything = [...reads, ...contract.writes.map((w) => w.id)];

/**
 * The catalogue's faults whose bodies carry a field that is there but wrong (its type, pattern, format
 * or bound: what response.schema catches), each on one operation of every resource it applies to.
 */
const presentButWrong = mutants(
  contract,
  FAULTS.filter((f) => f.caughtBy === 'response.schema').map((f) => f.name),
).filter((m, k, all) => {
  const resource = (m: (typeof all)[number]) => `${m.fault.name} ${index.get(m.operation ?? '')?.resource}`;
  return all.findIndex((x) => resource(x) === resource(m)) === k;
});

// The faithful provider verifies every interaction through the proxy in provider-verification.test.ts.
const CASES: Record<string, VerifyCase> = {
  'omit-optional': { fault: 'omit-optional', operations: everything },
  ...Object.fromEntries(
    presentButWrong.map((m) => {
      const spec = `${m.fault.name}@${m.operation}`;
      return [spec, { fault: spec, operations: [m.operation as string] }];
    }),
  ),
};
let verified: Promise<Record<string, string | undefined>> | undefined;
const verification = async (name: string) => {
  if (!(name in CASES)) throw new Error(`${name}: not one of the cases verified`);
  verified ??= verifyInChild(Object.values(CASES)).then((rs) =>
    Object.fromEntries(Object.keys(CASES).map((k, i) => [k, rs[i] ?? undefined])),
  );
  return (await verified)[name];
};

describe('the verification proxy judges every answer against the contract', { timeout: 180_000 }, () => {
  it('verifies clean a provider that leaves every optional field out (omit-optional), every interaction', async () => {
    expect(await verification('omit-optional')).toBeUndefined();
  });

  it(`fails each of the ${presentButWrong.length} mutants whose bodies carry a present-but-wrong field, naming operation and pointer`, async () => {
    expect(presentButWrong.length).toBeGreaterThanOrEqual(6);
    let pactAloneMissed = 0;
    for (const m of presentButWrong) {
      const spec = `${m.fault.name}@${m.operation}`;
      const failure = (await verification(spec)) ?? '';
      expect(failure, spec).toMatch(
        new RegExp(`^proxy: .*\\(${m.operation}\\): /\\S* .*; expected .*, got `, 'm'),
      );
      if (!/BodyMismatch|StatusMismatch|did not match/.test(failure)) pactAloneMissed++;
    }
    // Without the proxy these would verify: Pact's matchers pin only what a source requires, never a free value.
    expect(pactAloneMissed).toBeGreaterThanOrEqual(6);
  });
});

describe('a read’s answer against the resolved contract', () => {
  const fetchTool = index.get('FetchTool');
  if (!fetchTool) throw new Error('FetchTool is not in the model');
  const body = generate(contract.merged(fetchTool), 7, 'item') as Record<string, unknown>;
  const answer = (over: Record<string, unknown>) => ({
    status: 200,
    headers: {},
    body: Buffer.from(JSON.stringify({ ...body, ...over })),
  });

  it('a value answered null where Twilio has none for it (x-unset), or an optional field left out, is no problem', () => {
    const schema = contract.merged(fetchTool);
    const optional = Object.keys(schema.properties ?? {}).find((k) => !schema.required?.includes(k));
    expect(optional).toBeDefined();
    const { [optional as string]: _left, ...rest } = body;
    expect(
      judgeRead(contract, fetchTool, answer({ name: null, description: null, date_created: null })),
    ).toEqual([]);
    expect(
      judgeRead(contract, fetchTool, { ...answer({}), body: Buffer.from(JSON.stringify(rest)) }),
    ).toEqual([]);
  });

  it('null where the contract does not allow it (a boolean, the identifier) is one line each', () => {
    const lines = judgeRead(contract, fetchTool, answer({ enabled: null, id: null })).map((p) => p.line);
    expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual(['/enabled', '/id']);
    expect(lines).toHaveLength(2);
  });
});

describe('the proxy answers Pact’s provider state changes and adds the credentials', () => {
  /** A provider that answers every request with the Authorization header it got. */
  async function echoAuth() {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ auth: req.headers.authorization ?? null })),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
      server,
      close: () => new Promise((r) => server.close(r)),
    };
  }
  const change = (url: string, body: unknown) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  /** A proxy in front of an echoing provider, its state changes seen (`action state`) and answered by `answer`. */
  async function withStates(answer: (c: { state: string; action: string }) => unknown) {
    const provider = await echoAuth();
    const seen: string[] = [];
    const proxy = await startVerificationProxy({
      contract,
      target: provider.url,
      pactFiles: [],
      states: async (c) => {
        seen.push(`${c.action} ${c.state}`);
        return answer(c);
      },
    });
    return { provider, proxy, seen };
  }

  it('a state set up: its values answered as JSON; one that fails: a problem of the verification, Pact answered 200', async () => {
    const { provider, proxy, seen } = await withStates((c) => {
      if (c.state === 'broken') throw new Error('GET /v1/Tools answered 500');
      return c.action === 'setup' ? { path: '/v1/Tools/aia_tool_1' } : undefined;
    });
    try {
      const ok = await change(proxy.statesUrl, { state: 'an item exists', params: {}, action: 'setup' });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ path: '/v1/Tools/aia_tool_1' });
      expect(proxy.problems).toEqual([]);
      const bad = await change(proxy.statesUrl, { state: 'broken', action: 'setup' });
      expect(bad.status).toBe(200);
      expect(proxy.problems).toEqual(['provider state "broken" (setup) failed: GET /v1/Tools answered 500']);
      expect(seen).toEqual(['setup an item exists', 'setup broken']);
    } finally {
      await proxy.close();
      await provider.close();
    }
  });

  it('a pact’s own POST /_pactSetup is a request like any other: no state is changed, it is not answered for the provider', async () => {
    const { provider, proxy, seen } = await withStates(() => ({
      path: '/v1/Assistants/conformance-unknown-id',
    }));
    try {
      const r = await change(`${proxy.url}/_pactSetup`, {
        state: 'no item',
        params: { operation: 'FetchAssistant' },
        action: 'setup',
      });
      expect(r.status).toBe(403);
      expect(seen).toEqual([]);
      expect(proxy.problems).toEqual([
        'POST /_pactSetup: refused, not sent: no write of the model is POST /_pactSetup',
      ]);
    } finally {
      await proxy.close();
      await provider.close();
    }
  });

  it('a request whose path starts with // (or /\\) goes to the provider, never to the host it names, with the credentials', async () => {
    const provider = await echoAuth();
    const elsewhere = await echoAuth();
    const reached = { provider: 0, elsewhere: 0 };
    provider.server.on('request', () => reached.provider++);
    elsewhere.server.on('request', () => reached.elsewhere++);
    const proxy = await startVerificationProxy({
      contract,
      target: provider.url,
      pactFiles: [],
      authorization: 'Basic dmVyaWZpY2F0aW9u',
    });
    const { request } = await import('node:http');
    // What Pact's verifier sends for a pact path like /x/..//host/v1/Tools: the request line as is.
    const send = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const out = request(`${proxy.url}/`, { path }, (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        });
        out.on('error', reject).end();
      });
    try {
      const host = new URL(elsewhere.url).host;
      for (const path of [`//${host}/v1/Tools`, `/\\${host}/v1/Tools`])
        expect(await send(path), path).toBe(200);
      expect(reached).toEqual({ provider: 2, elsewhere: 0 });
    } finally {
      await proxy.close();
      await provider.close();
      await elsewhere.close();
    }
  });

  it('a read without credentials gets the verification’s; one that carries its own keeps them', async () => {
    const provider = await echoAuth();
    const proxy = await startVerificationProxy({
      contract,
      target: provider.url,
      pactFiles: [],
      authorization: 'Basic dmVyaWZpY2F0aW9u',
    });
    try {
      const bare = await fetch(`${proxy.url}/v1/Nothing`);
      expect(await bare.json()).toEqual({ auth: 'Basic dmVyaWZpY2F0aW9u' });
      const own = await fetch(`${proxy.url}/v1/Nothing`, { headers: { authorization: 'Basic b3du' } });
      expect(await own.json()).toEqual({ auth: 'Basic b3du' });
    } finally {
      await proxy.close();
      await provider.close();
    }
  });
});

describe('a form write through the proxy', () => {
  it('reaches the write session with every value of a key sent more than once, empty ones too', async () => {
    const file = 'twilio-oai/twilio_notify_v1.subset.json';
    const spec = JSON.parse(readFileSync(join(FIXTURES, 'specs', file), 'utf8'));
    const notify = new Contract(buildModel({ spec, specFile: file }), 'spec');
    const credentials = LOCAL_PROVIDER_CREDENTIALS;
    const provider = await startProvider({ contract: notify, credentials });
    const writes = stateWritesTo(
      notify,
      provider.url,
      credentials,
      'conformance-pact-local',
      mkdtempSync(join(tmpdir(), 'pact-form-')),
      { account: credentials.username, local: true },
    );
    const lookups = new HttpTransport({ target: 'pact-states', baseUrl: provider.url, credentials });
    const ready = stateHandlers(notify, lookups, undefined, writes)['a write can be made'];
    const proxy = await startVerificationProxy({
      contract: notify,
      target: provider.url,
      pactFiles: [],
      session: writes.session,
    });
    try {
      const { path, tag } = (await ready.setup({ operation: 'CreateBinding' })) as Record<string, string>;
      const r = await fetch(`${proxy.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `Identity=${tag}&BindingType=apn&Address=a%C3%A9%20b&Tag=first&Tag=second&Tag=`,
      });
      expect(r.status, await r.text()).toBe(201);
      expect(writes.session.observations.at(-1)?.exchange.request.body).toEqual({
        Identity: tag,
        BindingType: 'apn',
        Address: 'aé b',
        Tag: ['first', 'second', ''],
      });
      expect(proxy.problems).toEqual([]);
    } finally {
      await proxy.close();
      await provider.close();
      writes.session.journal.close();
    }
  });
});
