// Conversations: a message to an assistant (200, or 202 when answered asynchronously) makes its
// session if it is new and stores the user's message and the assistant's reply among the session's
// messages; sessions and their messages are read-only (no DeleteSession); feedback on an assistant's
// session (201; no DeleteFeedback).

import { randomUUID } from 'node:crypto';
import { type Ctx, listOf, must, type Route, route } from './context';
import { badRequest } from './errors';
import { page } from './pages';
import { type Json, newId, PREFIX } from './store';

const REPLY = 'Thanks for your message. How else can I help?';

/** The session a message goes to: the one named (it must be this assistant's), or a new one. */
function sessionFor(c: Ctx, assistantId: string): Json {
  const s = c.store;
  const named = c.body.session_id as string | undefined;
  const existing = named === undefined ? undefined : s.sessions.get(named);
  if (existing) {
    if (existing.assistant_id !== assistantId) {
      throw badRequest(`Invalid value for 'session_id': Session ${named} belongs to another Assistant`);
    }
    return existing;
  }
  const now = s.stamp();
  const session: Json = {
    id: named ?? randomUUID(),
    account_sid: s.accountSid,
    assistant_id: assistantId,
    verified: false,
    identity: c.body.identity,
    date_created: now,
    date_updated: now,
  };
  s.sessions.set(session.id as string, session);
  s.messages.set(session.id as string, []);
  return session;
}

function message(c: Ctx, session: Json, role: string, identity: unknown, text: string): Json {
  const now = c.store.stamp();
  return {
    id: newId(PREFIX.message),
    account_sid: c.store.accountSid,
    assistant_id: session.assistant_id,
    session_id: session.id,
    identity,
    role,
    content: { text },
    date_created: now,
    date_updated: now,
  };
}

function send(c: Ctx) {
  const assistantId = must(c.store.assistants, c.params.id, c.path).id as string;
  const session = sessionFor(c, assistantId);
  const stored = c.store.messages.get(session.id as string) ?? [];
  stored.push(message(c, session, 'user', c.body.identity, c.body.body as string));
  const async =
    c.asyncMessages === 'always' || (c.asyncMessages === 'webhook' && c.body.webhook !== undefined);
  if (!c.misbehaving.has('reply-not-stored')) {
    const reply = message(c, session, 'assistant', c.body.identity, REPLY);
    // Answered asynchronously, the reply is there once it has been generated (the processing time).
    if (async) c.store.replyDue.set(reply.id as string, c.store.now() + c.store.processingMs);
    stored.push(reply);
  }
  session.date_updated = c.store.stamp();
  const answer = {
    status: 'success',
    aborted: false,
    session_id: session.id,
    account_sid: c.store.accountSid,
  };
  return async
    ? { status: 202, body: answer }
    : { status: 200, body: { ...answer, flagged: false, body: REPLY } };
}

/** Feedback names a session of this assistant and, optionally, one of that session's messages. */
function feedback(c: Ctx): Json {
  const s = c.store;
  const assistantId = must(s.assistants, c.params.id, c.path).id as string;
  const b = c.body;
  const session = s.sessions.get(b.session_id as string);
  if (!session || session.assistant_id !== assistantId) {
    throw badRequest(
      `Invalid value for 'session_id': no Session ${String(b.session_id)} of Assistant ${assistantId}`,
    );
  }
  const messages = s.messages.get(session.id as string) ?? [];
  if (b.message_id !== undefined && !messages.some((m) => m.id === b.message_id)) {
    throw badRequest(
      `Invalid value for 'message_id': no Message ${String(b.message_id)} in Session ${session.id}`,
    );
  }
  const now = s.stamp();
  const f: Json = {
    assistant_id: assistantId,
    id: newId(PREFIX.feedback),
    account_sid: s.accountSid,
    message_id: b.message_id ?? null,
    score: b.score ?? null,
    session_id: session.id,
    text: b.text ?? null,
    date_created: now,
    date_updated: now,
  };
  s.feedback.set(assistantId, [...(s.feedback.get(assistantId) ?? []), f]);
  return f;
}

const listed = (key: string, items: Json[]) => (c: Ctx) => ({
  status: 200,
  body: page(listOf(c), key, items),
});

export const CONVERSATION_ROUTES: Route[] = [
  route('POST', '/v1/Assistants/{id}/Messages', 'CreateMessage', send, true),
  route('GET', '/v1/Assistants/{id}/Feedbacks', 'ListFeedback', (c) => {
    const id = must(c.store.assistants, c.params.id, c.path).id as string;
    return listed('feedbacks', c.store.feedback.get(id) ?? [])(c);
  }),
  route(
    'POST',
    '/v1/Assistants/{id}/Feedbacks',
    'CreateFeedback',
    (c) => ({ status: 201, body: feedback(c) }),
    true,
  ),
  route('GET', '/v1/Sessions', 'ListSessions', (c) => listed('sessions', [...c.store.sessions.values()])(c)),
  route('GET', '/v1/Sessions/{id}', 'FetchSession', (c) => ({
    status: 200,
    body: must(c.store.sessions, c.params.id, c.path),
  })),
  route('GET', '/v1/Sessions/{sessionId}/Messages', 'ListMessages', (c) => {
    const id = must(c.store.sessions, c.params.sessionId, c.path).id as string;
    const now = c.store.now();
    const due = (m: Json) => (c.store.replyDue.get(m.id as string) ?? 0) <= now;
    return listed('messages', (c.store.messages.get(id) ?? []).filter(due))(c);
  }),
];
