// The stand-in refuses what the sources refuse, each with 400 and Twilio's error body naming the field,
// and accepts what they allow; authentication, unknown ids and parents, and list parameters likewise.

import { beforeAll, describe, expect, it } from 'vitest';
import { basic, call, standIn } from '../support/independent/client';
import type { StandIn } from '../support/independent/server';

let s: StandIn;
const ids: Record<string, string> = {};
beforeAll(async () => {
  s = await standIn({ items: 2 });
  const a = await call(s, 'GET', '/v1/Assistants');
  ids.assistant = a.body.assistants[0].id;
  ids.tool = (await call(s, 'GET', '/v1/Tools')).body.tools[0].id;
  ids.knowledge = (await call(s, 'GET', '/v1/Knowledge')).body.knowledge[0].id;
  ids.policy = (await call(s, 'GET', '/v1/Policies')).body.policies[0].id;
  ids.session = (await call(s, 'GET', '/v1/Sessions')).body.sessions[0].id;
  ids.otherSession = (await call(s, 'GET', '/v1/Sessions')).body.sessions[1].id;
});

const tool = { name: 't', type: 'WEBHOOK', enabled: true };
const knowledge = { name: 'k', type: 'Text' };
const twilioError = (status: number, message: RegExp) =>
  expect.objectContaining({
    status,
    code: expect.any(Number),
    more_info: expect.stringMatching(/^https:\/\//),
    message: expect.stringMatching(message),
  });

// [what, method, path (ids by name), body, the field the message must name]
const REFUSED: Array<[string, string, string, unknown, RegExp]> = [
  ['an assistant without its required name', 'POST', '/v1/Assistants', { owner: 'o' }, /'name'/],
  ['a name that is not a string', 'POST', '/v1/Assistants', { name: 5 }, /'name'.*string/],
  [
    'customer_ai without its required flags',
    'POST',
    '/v1/Assistants',
    { name: 'a', customer_ai: {} },
    /customer_ai\.personalization_engine_enabled/,
  ],
  ['a tool without enabled', 'POST', '/v1/Tools', { name: 't', type: 'WEBHOOK' }, /'enabled'/],
  [
    "a tool type other than ('WEBHOOK')",
    'POST',
    '/v1/Tools',
    { ...tool, type: 'FUNCTION' },
    /'type'.*'WEBHOOK'/,
  ],
  [
    "a tool type other than ('WEBHOOK'), on update",
    'PUT',
    '/v1/Tools/{tool}',
    { type: 'webhook' },
    /'type'.*'WEBHOOK'/,
  ],
  [
    'a tool whose assistant_id breaks ^aia_asst_.+$',
    'POST',
    '/v1/Tools',
    { ...tool, assistant_id: 'asst_1' },
    /'assistant_id'.*aia_asst_/,
  ],
  [
    'a tool whose assistant_id names no assistant',
    'POST',
    '/v1/Tools',
    { ...tool, assistant_id: 'aia_asst_nope' },
    /'assistant_id'.*no Assistant/,
  ],
  ['meta that is not an object', 'POST', '/v1/Tools', { ...tool, meta: 'url' }, /'meta'.*object/],
  [
    'a policy without policy_details',
    'POST',
    '/v1/Tools',
    { ...tool, policy: { type: 'x' } },
    /'policy\.policy_details'/,
  ],
  [
    'policy_details as a string (typed {} in the request, an object in every response)',
    'POST',
    '/v1/Tools',
    { ...tool, policy: { policy_details: '{"a":1}' } },
    /'policy\.policy_details'.*object/,
  ],
  [
    'policy_details as a string, on a knowledge source',
    'POST',
    '/v1/Knowledge',
    { ...knowledge, policy: { policy_details: 'x' } },
    /'policy\.policy_details'/,
  ],
  [
    'a policy id breaking ^aia_plcy_.+$',
    'POST',
    '/v1/Tools',
    { ...tool, policy: { id: 'p1', policy_details: {} } },
    /'policy\.id'.*aia_plcy_/,
  ],
  [
    'a policy id that already names a policy',
    'POST',
    '/v1/Tools',
    { ...tool, policy: { id: '{policy}', policy_details: {} } },
    /'policy\.id'.*already/,
  ],
  [
    "a knowledge type outside ('Web', 'Database', 'Text', 'File')",
    'POST',
    '/v1/Knowledge',
    { name: 'k', type: 'PDF' },
    /'type'.*'Web', 'Database', 'Text', 'File'/,
  ],
  [
    'a Database source without embedding_model',
    'POST',
    '/v1/Knowledge',
    { name: 'k', type: 'Database' },
    /'embedding_model'.*required/,
  ],
  [
    'embedding_model on a Web source',
    'POST',
    '/v1/Knowledge',
    { name: 'k', type: 'Web', embedding_model: 'e' },
    /'embedding_model'.*only applicable/,
  ],
  [
    'embedding_model on updating a Text source',
    'PUT',
    '/v1/Knowledge/{knowledge}',
    { embedding_model: 'e' },
    /'embedding_model'.*only applicable/,
  ],
  [
    'turning a source into Database without embedding_model',
    'PUT',
    '/v1/Knowledge/{knowledge}',
    { type: 'Database' },
    /'embedding_model'.*required/,
  ],
  [
    'a field the closed update schema does not list',
    'PUT',
    '/v1/Knowledge/{knowledge}',
    { assistant_id: '{assistant}' },
    /'assistant_id'/,
  ],
  [
    'knowledge_source_details that is not an object',
    'POST',
    '/v1/Knowledge',
    { ...knowledge, knowledge_source_details: 'x' },
    /'knowledge_source_details'/,
  ],
  ['a message without identity', 'POST', '/v1/Assistants/{assistant}/Messages', { body: 'hi' }, /'identity'/],
  ['a message without body', 'POST', '/v1/Assistants/{assistant}/Messages', { identity: 'u' }, /'body'/],
  [
    "a mode outside 'chat', 'email' or 'voice'",
    'POST',
    '/v1/Assistants/{assistant}/Messages',
    { identity: 'u', body: 'b', mode: 'sms' },
    /'mode'.*'chat', 'email', 'voice'/,
  ],
  [
    'a session of another assistant',
    'POST',
    '/v1/Assistants/{assistant}/Messages',
    { identity: 'u', body: 'b', session_id: '{otherSession}' },
    /'session_id'.*another Assistant/,
  ],
  [
    'feedback without session_id',
    'POST',
    '/v1/Assistants/{assistant}/Feedbacks',
    { score: 1 },
    /'session_id'/,
  ],
  [
    'feedback on a session that does not exist',
    'POST',
    '/v1/Assistants/{assistant}/Feedbacks',
    { session_id: 'nope' },
    /'session_id'.*no Session/,
  ],
  [
    'feedback with a score above 1',
    'POST',
    '/v1/Assistants/{assistant}/Feedbacks',
    { session_id: '{session}', score: 1.5 },
    /'score'/,
  ],
  [
    'feedback with a score below 0',
    'POST',
    '/v1/Assistants/{assistant}/Feedbacks',
    { session_id: '{session}', score: -0.1 },
    /'score'/,
  ],
  [
    'feedback whose message_id breaks ^aia_msg_.+$',
    'POST',
    '/v1/Assistants/{assistant}/Feedbacks',
    { session_id: '{session}', message_id: 'm1' },
    /'message_id'.*aia_msg_/,
  ],
  [
    'feedback on a message not in the session',
    'POST',
    '/v1/Assistants/{assistant}/Feedbacks',
    { session_id: '{session}', message_id: 'aia_msg_nope' },
    /'message_id'.*no Message/,
  ],
  ['malformed JSON', 'POST', '/v1/Tools', '{"name": "t",', /Malformed JSON/],
  ['a JSON array', 'POST', '/v1/Tools', '[]', /JSON object/],
  ['no body where the spec requires one', 'POST', '/v1/Knowledge', undefined, /request body/],
];

const fill = (t: string): string => t.replace(/\{(\w+)\}/g, (_m, k: string) => ids[k] ?? k);
const filled = (b: unknown): unknown =>
  b === undefined || typeof b === 'string' ? b : JSON.parse(fill(JSON.stringify(b)));

describe('request bodies the sources refuse are refused: 400, Twilio’s error body naming the field', () => {
  it.each(REFUSED)('%s', async (_what, method, path, body, names) => {
    const before = s.store.snapshot();
    const r = await call(s, method, fill(path), filled(body));
    expect(r.status).toBe(400);
    expect(r.body).toEqual(twilioError(400, names));
    expect(s.store.snapshot()).toEqual(before);
  });
});

describe('what the sources allow is accepted', () => {
  it.each([
    ['an assistant with its name alone', 'POST', '/v1/Assistants', { name: 'a' }, 201],
    [
      'a WEBHOOK tool with an object policy',
      'POST',
      '/v1/Tools',
      { ...tool, policy: { type: 't', policy_details: { a: 1 } } },
      201,
    ],
    [
      'a tool with a fresh policy id of the right shape',
      'POST',
      '/v1/Tools',
      { ...tool, policy: { id: 'aia_plcy_mine', policy_details: {} } },
      201,
    ],
    [
      'a Database source with embedding_model',
      'POST',
      '/v1/Knowledge',
      { name: 'k', type: 'Database', embedding_model: 'e' },
      201,
    ],
    [
      'a Web source',
      'POST',
      '/v1/Knowledge',
      { name: 'k', type: 'Web', knowledge_source_details: { source: 'https://example.com' } },
      201,
    ],
    ['fields the create schemas do not close over', 'POST', '/v1/Assistants', { name: 'a', extra: 1 }, 201],
    [
      'an update with no body (the spec does not require one)',
      'PUT',
      '/v1/Assistants/{assistant}',
      undefined,
      200,
    ],
    [
      'a message in each mode',
      'POST',
      '/v1/Assistants/{assistant}/Messages',
      { identity: 'u', body: 'b', mode: 'voice' },
      200,
    ],
    [
      'feedback on a session of the assistant',
      'POST',
      '/v1/Assistants/{assistant}/Feedbacks',
      { session_id: '{session}', score: 0 },
      201,
    ],
  ] as const)('%s', async (_what, method, path, body, status) => {
    const r = await call(s, method, fill(path), filled(body));
    expect(r.status, JSON.stringify(r.body)).toBe(status);
  });
});

describe('authentication, unknown ids, list parameters', () => {
  it.each([
    ['no credentials', null],
    ['a wrong token', basic('ACa1b2c3d4e5f60718a1b2c3d4e5f60718', 'wrong')],
    ['another account', basic(`AC${'f'.repeat(32)}`, 'independent-stand-in-token')],
  ])('%s: 401 with Twilio’s error body, on reads and writes', async (_n, auth) => {
    for (const [m, p] of [
      ['GET', '/v1/Assistants'],
      ['POST', '/v1/Assistants'],
      ['DELETE', `/v1/Tools/${ids.tool}`],
    ] as const) {
      const r = await call(s, m, p, m === 'POST' ? { name: 'x' } : undefined, auth);
      expect(r.status).toBe(401);
      expect(r.body).toEqual({
        code: 20003,
        message: 'Authenticate',
        more_info: 'https://www.twilio.com/docs/errors/20003',
        status: 401,
      });
    }
  });

  it.each([
    ['GET', '/v1/Assistants/aia_asst_nope'],
    ['PUT', '/v1/Tools/aia_tool_nope'],
    ['DELETE', '/v1/Knowledge/aia_know_nope'],
    ['GET', '/v1/Knowledge/aia_know_nope/Status'],
    ['GET', '/v1/Knowledge/aia_know_nope/Chunks'],
    ['GET', '/v1/Assistants/aia_asst_nope/Tools'],
    ['GET', '/v1/Assistants/aia_asst_nope/Feedbacks'],
    ['GET', '/v1/Sessions/nope/Messages'],
    ['POST', '/v1/Assistants/aia_asst_nope/Messages'],
    ['POST', '/v1/Assistants/{assistant}/Tools/aia_tool_nope'],
    ['DELETE', '/v1/Assistants/{assistant}/Knowledge/aia_know_nope'],
  ])('%s %s: 404 with Twilio’s error body', async (method, path) => {
    const body =
      method === 'POST' && path.endsWith('Messages')
        ? { identity: 'u', body: 'b' }
        : method === 'PUT'
          ? {}
          : undefined;
    const r = await call(s, method, fill(path), body);
    expect(r.status).toBe(404);
    expect(r.body).toEqual(twilioError(404, /was not found/));
  });

  it.each(['0', '1001', 'abc', '2.5', '-1'])('PageSize=%s: 400 on every list', async (size) => {
    for (const p of [
      '/v1/Assistants',
      '/v1/Policies',
      `/v1/Knowledge/${ids.knowledge}/Chunks`,
      `/v1/Sessions/${ids.session}/Messages`,
    ]) {
      const r = await call(s, 'GET', `${p}?PageSize=${size}`);
      expect(r.status, p).toBe(400);
      expect(r.body).toEqual(twilioError(400, /PageSize/));
    }
  });

  it('a PageToken with one character changed, or from another list, is refused', async () => {
    const first = await call(s, 'GET', '/v1/Tools?PageSize=1');
    const token = new URL(first.body.meta.next_page_url).searchParams.get('PageToken') as string;
    for (let i = 0; i < token.length; i++) {
      const c = token[i] === 'A' ? 'B' : 'A';
      const bad = `${token.slice(0, i)}${c}${token.slice(i + 1)}`;
      expect((await call(s, 'GET', `/v1/Tools?PageSize=1&PageToken=${bad}`)).status, bad).toBe(400);
    }
    expect((await call(s, 'GET', `/v1/Assistants?PageSize=1&PageToken=${token}`)).status).toBe(400);
  });
});
