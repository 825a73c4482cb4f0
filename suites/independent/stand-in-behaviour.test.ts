// The stand-in answers as Twilio documents: ids with their prefixes, the account's SID, 201/200/204,
// date_updated moving on update, optional fields left out and null where a value is absent, writes
// that change what the reads show, knowledge processed asynchronously, a message that makes its
// session and stores both sides, Twilio's list envelope and paging; and each misbehaviour breaks
// exactly what it says.

import { describe, expect, it } from 'vitest';
import { ACCOUNT, call, standIn } from '../support/independent/client';
import { MISBEHAVIOURS } from '../support/independent/misbehaviours';

const tool = { name: 't', type: 'WEBHOOK', enabled: true };
/** A clock the test moves: processing and asynchronous replies follow it, not the machine's load. */
function clock() {
  let t = Date.parse('2026-01-01T00:00:00Z');
  return {
    now: () => t,
    pass: (ms: number) => {
      t += ms;
    },
  };
}

describe('answers as Twilio answers', () => {
  it('an empty account lists nothing, with Twilio’s envelope', async () => {
    const s = await standIn();
    for (const [p, key] of [
      ['/v1/Assistants', 'assistants'],
      ['/v1/Sessions', 'sessions'],
      ['/v1/Policies', 'policies'],
    ]) {
      const r = await call(s, 'GET', `${p}?PageSize=5`);
      expect(r.body).toEqual({
        [key as string]: [],
        meta: {
          first_page_url: `${s.url}${p}?PageSize=5&Page=0`,
          key,
          next_page_url: null,
          page: 0,
          page_size: 5,
          previous_page_url: null,
          url: `${s.url}${p}?PageSize=5&Page=0`,
        },
      });
    }
  });

  it('a create answers 201 with a prefixed id, the account, dates; left out what is optional and unset, null where a required string is unset', async () => {
    const s = await standIn();
    const a = await call(s, 'POST', '/v1/Assistants', { name: 'a' });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({
      id: expect.stringMatching(/^aia_asst_.+$/),
      account_sid: ACCOUNT,
      name: 'a',
      owner: null,
      personality_prompt: null,
    });
    expect(a.body.date_created).toBe(a.body.date_updated);
    const k = await call(s, 'POST', '/v1/Knowledge', { name: 'k', type: 'Text' });
    expect(k.body).toMatchObject({ id: expect.stringMatching(/^aia_know_/), status: 'QUEUED' });
    for (const absent of ['description', 'knowledge_source_details', 'embedding_model'])
      expect(k.body).not.toHaveProperty(absent);
    const t = await call(s, 'POST', '/v1/Tools', tool);
    expect(t.body).toMatchObject({
      id: expect.stringMatching(/^aia_tool_/),
      description: null,
      meta: {},
      requires_auth: false,
    });
    expect((await call(s, 'GET', `/v1/Tools/${t.body.id}`)).body).toEqual({ ...t.body, policies: [] });
    expect((await call(s, 'GET', '/v1/Tools')).body.tools).toEqual([t.body]);
  });

  it('an update answers 200, shows on the fetch, and moves date_updated on; a delete answers 204 and the fetch then 404', async () => {
    const s = await standIn();
    const t = (await call(s, 'POST', '/v1/Tools', tool)).body;
    const u = await call(s, 'PUT', `/v1/Tools/${t.id}`, { description: 'new' });
    expect(u.status).toBe(200);
    expect(u.body.description).toBe('new');
    expect(Date.parse(u.body.date_updated)).toBeGreaterThan(Date.parse(t.date_updated));
    expect((await call(s, 'GET', `/v1/Tools/${t.id}`)).body).toMatchObject({
      description: 'new',
      date_updated: u.body.date_updated,
      date_created: t.date_created,
    });
    const d = await call(s, 'DELETE', `/v1/Tools/${t.id}`);
    expect(d).toEqual({ status: 204, body: undefined });
    expect((await call(s, 'GET', `/v1/Tools/${t.id}`)).status).toBe(404);
    expect((await call(s, 'DELETE', `/v1/Tools/${t.id}`)).status).toBe(404);
  });

  it('attach and detach show in the nested lists and the assistant’s fetch; a policy made with a tool or knowledge shows in ListPolicies, filtered', async () => {
    const s = await standIn();
    const a = (await call(s, 'POST', '/v1/Assistants', { name: 'a' })).body;
    const t = (
      await call(s, 'POST', '/v1/Tools', { ...tool, policy: { type: 'p', policy_details: { x: 1 } } })
    ).body;
    const k = (
      await call(s, 'POST', '/v1/Knowledge', { name: 'k', type: 'Text', policy: { policy_details: {} } })
    ).body;
    expect((await call(s, 'POST', `/v1/Assistants/${a.id}/Tools/${t.id}`)).status).toBe(204);
    expect((await call(s, 'POST', `/v1/Assistants/${a.id}/Knowledge/${k.id}`)).status).toBe(204);
    expect(
      (await call(s, 'GET', `/v1/Assistants/${a.id}/Tools`)).body.tools.map((i: { id: string }) => i.id),
    ).toEqual([t.id]);
    expect((await call(s, 'GET', `/v1/Tools?AssistantId=${a.id}`)).body.tools).toHaveLength(1);
    const fetched = (await call(s, 'GET', `/v1/Assistants/${a.id}`)).body;
    expect([fetched.tools.length, fetched.knowledge.length]).toEqual([1, 1]);
    const byTool = (await call(s, 'GET', `/v1/Policies?ToolId=${t.id}`)).body.policies;
    expect(byTool).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/^aia_plcy_/),
        type: 'p',
        policy_details: { x: 1 },
        account_sid: ACCOUNT,
      }),
    ]);
    const byKnowledge = (await call(s, 'GET', `/v1/Policies?KnowledgeId=${k.id}`)).body.policies;
    expect(byKnowledge).toEqual([expect.objectContaining({ type: null, policy_details: {} })]);
    expect((await call(s, 'GET', '/v1/Policies')).body.policies).toHaveLength(2);
    expect((await call(s, 'GET', `/v1/Tools/${t.id}`)).body.policies).toEqual(byTool);
    expect((await call(s, 'DELETE', `/v1/Assistants/${a.id}/Tools/${t.id}`)).status).toBe(204);
    expect((await call(s, 'GET', `/v1/Assistants/${a.id}/Tools`)).body.tools).toEqual([]);
    expect((await call(s, 'DELETE', `/v1/Assistants/${a.id}/Tools/${t.id}`)).status).toBe(404);
  });

  it('knowledge is processed asynchronously: QUEUED, PROCESSING, then COMPLETED, and its chunks appear only then', async () => {
    const time = clock();
    const s = await standIn({ processingMs: 300, clock: time.now });
    const k = (
      await call(s, 'POST', '/v1/Knowledge', {
        name: 'k',
        type: 'Text',
        knowledge_source_details: { content: 'abc def' },
      })
    ).body;
    expect((await call(s, 'GET', `/v1/Knowledge/${k.id}/Status`)).body).toMatchObject({
      status: 'QUEUED',
      account_sid: ACCOUNT,
    });
    expect((await call(s, 'GET', `/v1/Knowledge/${k.id}/Chunks`)).body.chunks).toEqual([]);
    time.pass(150);
    expect((await call(s, 'GET', `/v1/Knowledge/${k.id}`)).body.status).toBe('PROCESSING');
    expect((await call(s, 'GET', `/v1/Knowledge/${k.id}/Chunks`)).body.chunks).toEqual([]);
    time.pass(150);
    expect((await call(s, 'GET', `/v1/Knowledge/${k.id}/Status`)).body).toMatchObject({
      status: 'COMPLETED',
      last_status: 'PROCESSING',
    });
    expect(
      (await call(s, 'GET', `/v1/Knowledge/${k.id}/Chunks`)).body.chunks.map(
        (c: { content: string }) => c.content,
      ),
    ).toEqual(['abc ', 'def']);
  });

  it('a message makes its session, stores the user’s message and the reply; 200 with the reply, or 202 when a webhook is to be called', async () => {
    const time = clock();
    const s = await standIn({ processingMs: 150, clock: time.now });
    const a = (await call(s, 'POST', '/v1/Assistants', { name: 'a' })).body;
    expect((await call(s, 'GET', '/v1/Sessions')).body.sessions).toEqual([]);
    const m = await call(s, 'POST', `/v1/Assistants/${a.id}/Messages`, {
      identity: 'u',
      body: 'hi',
      session_id: 'conv-1',
    });
    expect(m).toMatchObject({
      status: 200,
      body: { status: 'success', session_id: 'conv-1', account_sid: ACCOUNT, body: expect.any(String) },
    });
    expect((await call(s, 'GET', '/v1/Sessions/conv-1')).body).toMatchObject({
      id: 'conv-1',
      assistant_id: a.id,
      identity: 'u',
    });
    const roles = async () =>
      (await call(s, 'GET', '/v1/Sessions/conv-1/Messages')).body.messages.map(
        (x: { role: string }) => x.role,
      );
    expect(await roles()).toEqual(['user', 'assistant']);
    const later = await call(s, 'POST', `/v1/Assistants/${a.id}/Messages`, {
      identity: 'u',
      body: 'more',
      session_id: 'conv-1',
      webhook: 'https://example.com/h',
    });
    expect(later.status).toBe(202);
    expect(later.body).not.toHaveProperty('body');
    expect(await roles()).toEqual(['user', 'assistant', 'user']);
    time.pass(150);
    expect(await roles()).toEqual(['user', 'assistant', 'user', 'assistant']);
    const fresh = await call(s, 'POST', `/v1/Assistants/${a.id}/Messages`, { identity: 'v', body: 'hello' });
    expect((await call(s, 'GET', `/v1/Sessions/${fresh.body.session_id}`)).status).toBe(200);
  });

  it('paging by PageToken gives every item once, pages counted, previous pages leading back', async () => {
    const s = await standIn({ items: 7 });
    const seen: string[] = [];
    let url: string | null = `${s.url}/v1/Tools?PageSize=3`;
    const pages: number[] = [];
    while (url) {
      const r = await call(s, 'GET', url.slice(s.url.length));
      seen.push(...r.body.tools.map((t: { id: string }) => t.id));
      pages.push(r.body.meta.page);
      if (r.body.meta.next_page_url) {
        const next = await call(s, 'GET', r.body.meta.next_page_url.slice(s.url.length));
        expect(
          (await call(s, 'GET', next.body.meta.previous_page_url.slice(s.url.length))).body.tools,
        ).toEqual(r.body.tools);
      }
      url = r.body.meta.next_page_url;
    }
    expect(new Set(seen).size).toBe(7);
    expect(seen).toEqual(
      (await call(s, 'GET', '/v1/Tools?PageSize=50')).body.tools.map((t: { id: string }) => t.id),
    );
    expect(pages).toEqual([0, 1, 2]);
  });
});

describe('each misbehaviour breaks what it says, and nothing when it is off', () => {
  const probes: Record<keyof typeof MISBEHAVIOURS, (on: boolean) => Promise<void>> = {
    'update-ignored': async (on) => {
      const s = await standIn({ misbehave: on ? ['update-ignored'] : [] });
      const t = (await call(s, 'POST', '/v1/Tools', tool)).body;
      expect((await call(s, 'PUT', `/v1/Tools/${t.id}`, { name: 'n' })).body.name).toBe('n');
      expect((await call(s, 'GET', `/v1/Tools/${t.id}`)).body.name).toBe(on ? 't' : 'n');
    },
    'date-updated-frozen': async (on) => {
      const s = await standIn({ misbehave: on ? ['date-updated-frozen'] : [] });
      const t = (await call(s, 'POST', '/v1/Tools', tool)).body;
      const f = (await call(s, 'PUT', `/v1/Tools/${t.id}`, { name: 'n' })).body;
      expect(f.date_updated === t.date_updated).toBe(on);
    },
    'reply-not-stored': async (on) => {
      const s = await standIn({ misbehave: on ? ['reply-not-stored'] : [] });
      const a = (await call(s, 'POST', '/v1/Assistants', { name: 'a' })).body;
      const m = (await call(s, 'POST', `/v1/Assistants/${a.id}/Messages`, { identity: 'u', body: 'hi' }))
        .body;
      expect(m.body).toEqual(expect.any(String));
      expect((await call(s, 'GET', `/v1/Sessions/${m.session_id}/Messages`)).body.messages).toHaveLength(
        on ? 1 : 2,
      );
    },
    'create-missing-required-field': async (on) => {
      const s = await standIn({ misbehave: on ? ['create-missing-required-field'] : [] });
      const t = (await call(s, 'POST', '/v1/Tools', tool)).body;
      expect('date_created' in t).toBe(!on);
      expect((await call(s, 'GET', `/v1/Tools/${t.id}`)).body).toHaveProperty('date_created');
    },
    'knowledge-never-processed': async (on) => {
      const time = clock();
      const s = await standIn({ misbehave: on ? ['knowledge-never-processed'] : [], clock: time.now });
      const k = (await call(s, 'POST', '/v1/Knowledge', { name: 'k', type: 'Text' })).body;
      time.pass(3_600_000);
      expect((await call(s, 'GET', `/v1/Knowledge/${k.id}/Status`)).body.status).toBe(
        on ? 'PROCESSING' : 'COMPLETED',
      );
      expect((await call(s, 'GET', `/v1/Knowledge/${k.id}/Chunks`)).body.chunks.length > 0).toBe(!on);
    },
    'delete-keeps-item': async (on) => {
      const s = await standIn({ misbehave: on ? ['delete-keeps-item'] : [] });
      const t = (await call(s, 'POST', '/v1/Tools', tool)).body;
      expect((await call(s, 'DELETE', `/v1/Tools/${t.id}`)).status).toBe(204);
      expect((await call(s, 'GET', `/v1/Tools/${t.id}`)).status).toBe(on ? 200 : 404);
    },
    'unknown-delete-204': async (on) => {
      const s = await standIn({ misbehave: on ? ['unknown-delete-204'] : [] });
      expect((await call(s, 'DELETE', '/v1/Tools/aia_tool_nope')).status).toBe(on ? 204 : 404);
    },
    'attach-not-listed': async (on) => {
      const s = await standIn({ misbehave: on ? ['attach-not-listed'] : [] });
      const a = (await call(s, 'POST', '/v1/Assistants', { name: 'a' })).body;
      const t = (await call(s, 'POST', '/v1/Tools', tool)).body;
      expect((await call(s, 'POST', `/v1/Assistants/${a.id}/Tools/${t.id}`)).status).toBe(204);
      expect((await call(s, 'GET', `/v1/Assistants/${a.id}/Tools`)).body.tools).toHaveLength(on ? 0 : 1);
    },
    'wrong-account-sid': async (on) => {
      const s = await standIn({ misbehave: on ? ['wrong-account-sid'] : [] });
      const t = (await call(s, 'POST', '/v1/Tools', tool)).body;
      expect(t.account_sid).toBe(ACCOUNT);
      expect((await call(s, 'PUT', `/v1/Tools/${t.id}`, { name: 'n' })).body.account_sid === ACCOUNT).toBe(
        !on,
      );
      expect((await call(s, 'GET', `/v1/Tools/${t.id}`)).body.account_sid).toBe(ACCOUNT);
    },
    'malformed-json-500': async (on) => {
      const s = await standIn({ misbehave: on ? ['malformed-json-500'] : [] });
      expect((await call(s, 'POST', '/v1/Tools', '{"name":')).status).toBe(on ? 500 : 400);
    },
  };
  it.each(Object.keys(MISBEHAVIOURS) as (keyof typeof MISBEHAVIOURS)[])('%s', async (name) => {
    await probes[name](false);
    await probes[name](true);
  });

  it('an unknown misbehaviour is refused at start', async () => {
    await expect(standIn({ misbehave: ['typo'] })).rejects.toThrow(/unknown misbehaviour\(s\): typo/);
  });
});
