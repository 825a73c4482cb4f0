// An account with data, made the way a client makes it: through the stand-in's own operations (so a
// seeded item is exactly what a create makes), then aged: its knowledge already processed, its
// replies already there. Per n: n assistants, tools (each with a policy) and Text knowledge sources
// (each with a policy), each attached to the first assistant and to its own; a two-turn conversation
// with each assistant; feedback on each conversation.

import type { Json, Store } from './store';

/** What seeding needs of a stand-in (server.ts's StandIn), without importing it back. */
interface StandIn {
  url: string;
  store: Store;
  opts: { authToken: string };
  log: unknown[];
  answer(req: { method: string; url: URL; authorization: string; contentType: string; raw: string }): {
    status: number;
    body?: unknown;
  };
}

function call(s: StandIn, method: string, path: string, body?: Json): Json {
  const a = s.answer({
    method,
    url: new URL(path, s.url),
    authorization: `Basic ${Buffer.from(`${s.store.accountSid}:${s.opts.authToken}`).toString('base64')}`,
    contentType: 'application/json',
    raw: body ? JSON.stringify(body) : '',
  });
  if (a.status >= 300) throw new Error(`seeding ${method} ${path}: ${a.status} ${JSON.stringify(a.body)}`);
  return (a.body ?? {}) as Json;
}

function seedOne(s: StandIn, i: number, first: string | undefined): string {
  const a = call(s, 'POST', '/v1/Assistants', { name: `Seeded assistant ${i}`, owner: 'Seed Co' });
  const policy = { name: `Seeded policy ${i}`, type: 'GENERIC', policy_details: { level: i } };
  const t = call(s, 'POST', '/v1/Tools', {
    name: `Seeded tool ${i}`,
    type: 'WEBHOOK',
    enabled: true,
    description: 'Looks an order up',
    meta: { url: 'https://example.com/orders', method: 'GET' },
    policy,
  });
  const k = call(s, 'POST', '/v1/Knowledge', {
    name: `Seeded knowledge ${i}`,
    type: 'Text',
    knowledge_source_details: { content: `Seeded text number ${i}, about opening hours.` },
    policy: { ...policy, name: `Seeded knowledge policy ${i}` },
  });
  for (const target of new Set([first ?? (a.id as string), a.id as string])) {
    call(s, 'POST', `/v1/Assistants/${target}/Tools/${t.id}`);
    call(s, 'POST', `/v1/Assistants/${target}/Knowledge/${k.id}`);
  }
  const session = `seed-session-${i}`;
  for (const text of ['Hello', 'When do you open?']) {
    call(s, 'POST', `/v1/Assistants/${a.id}/Messages`, {
      identity: `user-${i}`,
      session_id: session,
      body: text,
    });
  }
  const [m] = s.store.messages.get(session) ?? [];
  call(s, 'POST', `/v1/Assistants/${a.id}/Feedbacks`, {
    session_id: session,
    message_id: m?.id,
    score: 1,
    text: 'Helpful',
  });
  return a.id as string;
}

export function seed(s: StandIn, n: number): void {
  const first = seedOne(s, 0, undefined);
  for (let i = 1; i < n; i++) seedOne(s, i, first);
  for (const p of s.store.processing.values()) p.queuedAt = Number.NEGATIVE_INFINITY;
  s.store.replyDue.clear();
  s.log.length = 0;
}
