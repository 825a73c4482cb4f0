// pact:verify --writes on a provider that holds nothing, and on one that holds the user's items: the
// read interactions' states make their own data through the writes and everything is undone after;
// a foreign pact (a broker's, a pact folder's) whose writes name the user's items, or make items
// without the run's tag, is refused at the verification proxy: nothing of the user's is touched,
// nothing is left, the verification fails saying why.

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_PROVIDER_CREDENTIALS, startProvider } from '../../src/targets/targets';
import { runCli } from '../support/fixtures';
import { carriedOut, hostileProxy } from '../support/hostile';
import { COMMITTED_DIR, PACT_FILE, pactFor, providerSnapshot, removable } from '../support/pact';
import { contract } from '../support/provider';

const account = LOCAL_PROVIDER_CREDENTIALS.username;
const env = {
  PACT_BROKER_BASE_URL: '',
  TWILIO_ACCOUNT_SID: account,
  TWILIO_AUTH_TOKEN: LOCAL_PROVIDER_CREDENTIALS.password,
};
const snapshot = (url: string) => providerSnapshot(url, LOCAL_PROVIDER_CREDENTIALS);

/**
 * `pact:verify --base-url URL --writes <AccountSid>` with its own report folder, in this process: the
 * command runs Pact's native core in a child of its own (src/cli/child.ts) whatever calls it, so what
 * the core prints (a red FAILED for each expected failure) goes to the child's log, off the terminal.
 * The process-level test of the command is in provider-verification.test.ts.
 */
async function verifyWrites(url: string, contracts?: string, run = runCli) {
  const dir = mkdtempSync(join(tmpdir(), 'pact-writes-'));
  const r = await run(
    'pact-verify',
    [
      '--base-url',
      url,
      '--writes',
      account,
      '--report-dir',
      dir,
      ...(contracts ? ['--contracts', contracts] : []),
    ],
    env,
  );
  return { ...r, dir };
}

/** A pact folder holding one foreign pact: the committed pact's names, these interactions. */
function foreignPact(interactions: unknown[]): string {
  const committed = JSON.parse(readFileSync(join(COMMITTED_DIR, PACT_FILE), 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'foreign-pact-'));
  writeFileSync(join(dir, PACT_FILE), JSON.stringify({ ...committed, interactions }));
  return dir;
}
const json = (content: unknown) => ({ content, contentType: 'application/json', encoded: false });
const write = (description: string, method: string, path: string, body?: unknown) => ({
  type: 'Synchronous/HTTP',
  description,
  pending: false,
  request: {
    method,
    path,
    ...(body ? { headers: { 'Content-Type': ['application/json'] }, body: json(body) } : {}),
  },
  response: { status: method === 'DELETE' ? 204 : 201 },
});

describe.concurrent('pact:verify --writes from nothing', () => {
  it('an empty provider: every interaction verifies, its states make their data, and nothing is left', {
    timeout: 120_000,
  }, async () => {
    const provider = await startProvider({ contract, items: 0, credentials: LOCAL_PROVIDER_CREDENTIALS });
    try {
      const before = await snapshot(provider.url);
      expect(Object.values(before).flat()).toEqual([]);
      const r = await verifyWrites(provider.url);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/pact verification passed/);
      const after = await snapshot(provider.url);
      // What a delete or detach removes is gone; what no operation removes (conversations, feedback,
      // the policies tools were made with) may stay, as it would on Twilio.
      for (const [path, ids] of Object.entries(after)) if (removable(path)) expect(ids, path).toEqual([]);
      const journal = readdirSync(join(r.dir, 'journal')).find((f) => f.endsWith('.jsonl')) as string;
      expect(readFileSync(join(r.dir, 'journal', journal), 'utf8')).toMatch(/"kind":"done"/);
    } finally {
      await provider.close();
    }
  });

  it('a provider whose answers name another account: writing stops, every write is refused, nothing is left', {
    timeout: 60_000,
  }, async () => {
    const other = `AC${'f'.repeat(32)}`;
    const provider = await startProvider({
      contract,
      items: 0,
      credentials: LOCAL_PROVIDER_CREDENTIALS,
      accountSid: other,
    });
    try {
      const r = await verifyWrites(provider.url);
      expect(r.status).toBe(1);
      expect(r.stdout).not.toMatch(/pact verification passed/);
      expect(r.stderr).toMatch(
        new RegExp(
          `refused, not sent: CreateAssistant answered account_sid ${other}, not the account written to`,
        ),
      );
      const after = await snapshot(provider.url);
      for (const [path, ids] of Object.entries(after)) if (removable(path)) expect(ids, path).toEqual([]);
    } finally {
      await provider.close();
    }
  });
});

describe.concurrent('a foreign pact with --writes: the proxy refuses what is not the verification’s own', () => {
  it('a DELETE of a literal id of the user’s item: refused, not sent, the item still there, exit 1', async () => {
    const provider = await startProvider({ contract, items: 3, credentials: LOCAL_PROVIDER_CREDENTIALS });
    try {
      const before = await snapshot(provider.url);
      const [users] = before['/v1/Assistants'] ?? [];
      const r = await verifyWrites(
        provider.url,
        foreignPact([write('delete the user’s assistant', 'DELETE', `/v1/Assistants/${users}`)]),
      );
      expect(r.status).toBe(1);
      expect(r.stdout).not.toMatch(/pact verification passed/);
      const why = r.stderr.split('\n').filter((l) => l.includes('refused'));
      expect(why).toEqual([
        `pact:verify: "delete the user’s assistant" (DeleteAssistant): refused, not sent: id "${users}" is not an item this verification made`,
      ]);
      expect(await snapshot(provider.url)).toEqual(before);
    } finally {
      await provider.close();
    }
  });

  it('a create without the run’s tag: refused, not sent, nothing left, exit 1', async () => {
    const provider = await startProvider({ contract, items: 3, credentials: LOCAL_PROVIDER_CREDENTIALS });
    try {
      const before = await snapshot(provider.url);
      const r = await verifyWrites(
        provider.url,
        foreignPact([write('make an assistant', 'POST', '/v1/Assistants', { name: 'someone else’s' })]),
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(
        /^pact:verify: "make an assistant" \(CreateAssistant\): refused, not sent: the body's name "someone else’s" does not carry the run's tag conformance-\S+$/m,
      );
      expect(await snapshot(provider.url)).toEqual(before);
    } finally {
      await provider.close();
    }
  });
});

describe('pact:verify --writes stopped at its --deadline', () => {
  it('says how to remove what its states made, and that cleanup leaves nothing', async () => {
    const provider = await startProvider({ contract, items: 3, credentials: LOCAL_PROVIDER_CREDENTIALS });
    // The first create of a tool is carried out; its answer never comes.
    const proxy = await hostileProxy(
      provider.url,
      carriedOut('/v1/Tools', 1, () => 'hang'),
    );
    try {
      const before = await snapshot(provider.url);
      const dir = mkdtempSync(join(tmpdir(), 'pact-deadline-'));
      const args = [
        ...['--base-url', proxy.url, '--writes', account, '--report-dir', dir],
        ...['--contracts', pactFor(['CreateTool']), '--deadline', '3'],
      ];
      const r = await runCli('pact-verify', args, env);
      expect(r.status).toBe(1);
      const said = /did not finish within --deadline 3 s; stopped; .*run npm run cleanup -- (.*)$/m.exec(
        r.stderr,
      );
      expect(said?.[1], r.stderr).toBe(
        `--base-url ${proxy.url} --writes ${account} --journal-dir ${join(dir, 'journal')}`,
      );
      // What the stopped verification made is still there, until the cleanup it names.
      expect(await snapshot(provider.url)).not.toEqual(before);
      proxy.bend(undefined);
      const cleanup = await runCli('cleanup', (said?.[1] ?? '').split(' '), env);
      expect(cleanup.status, cleanup.stdout + cleanup.stderr).toBe(0);
      expect(await snapshot(provider.url)).toEqual(before);
    } finally {
      await proxy.close();
      await provider.close();
    }
  });
});
