// Assistants: list, create (201), fetch (with its tools and knowledge), update (200), delete (204);
// attaching and detaching tools and knowledge (204), and the nested lists that show them.

import { type Ctx, listOf, must, type Route, removeItem, route, update } from './context';
import { notFound } from './errors';
import { page } from './pages';
import { type Json, link, newId, PREFIX, unlink } from './store';
import { assistantView, knowledgeView } from './views';

const FIELDS = ['name', 'owner', 'personality_prompt', 'customer_ai'];

/** Required in the response but optional in the request: absent values read as null, or as Twilio's defaults. */
function createAssistant(c: Ctx): Json {
  const s = c.store;
  const now = s.stamp();
  const id = newId(PREFIX.assistant);
  const b = c.body;
  const a: Json = {
    account_sid: s.accountSid,
    customer_ai: b.customer_ai ?? { perception_engine_enabled: false, personalization_engine_enabled: false },
    id,
    model: 'gpt-4o-mini',
    name: b.name,
    owner: b.owner ?? null,
    url: `https://assistants.twilio.com/v1/Assistants/${id}`,
    personality_prompt: b.personality_prompt ?? null,
    date_created: now,
    date_updated: now,
  };
  s.assistants.set(id, a);
  return a;
}

/** Attach (POST) and detach (DELETE) of the items in `kind` to an assistant, and its nested list. */
function attachments(kind: 'Tools' | 'Knowledge'): Route[] {
  const path = `/v1/Assistants/{assistantId}/${kind}`;
  const tools = kind === 'Tools';
  const items = (c: Ctx): Map<string, Json> => (tools ? c.store.tools : c.store.knowledge);
  const links = (c: Ctx) => (tools ? c.store.attachedTools : c.store.attachedKnowledge);
  const noun = tools ? 'Tool' : 'Knowledge';
  const list = (c: Ctx) => {
    const id = must(c.store.assistants, c.params.assistantId, c.path).id as string;
    const shown = (links(c).get(id) ?? []).map((i) => items(c).get(i)).filter((i) => i !== undefined);
    const view = tools ? shown : shown.map((k) => knowledgeView(c.store, k));
    return { status: 200, body: page(listOf(c), tools ? 'tools' : 'knowledge', view) };
  };
  const attach = (c: Ctx) => {
    must(c.store.assistants, c.params.assistantId, c.path);
    must(items(c), c.params.id, c.path);
    if (!c.misbehaving.has('attach-not-listed'))
      link(links(c), c.params.assistantId as string, c.params.id as string);
    return { status: 204 };
  };
  const detach = (c: Ctx) => {
    must(c.store.assistants, c.params.assistantId, c.path);
    if (!unlink(links(c), c.params.assistantId as string, c.params.id as string)) throw notFound(c.path);
    return { status: 204 };
  };
  return [
    route('GET', path, tools ? 'ListToolsByAssistant' : 'ListKnowledgeByAssistant', list),
    route('POST', `${path}/{id}`, `CreateAssistant${noun}Attachment`, attach),
    route('DELETE', `${path}/{id}`, `DeleteAssistant${noun}Attachment`, detach),
  ];
}

export const ASSISTANT_ROUTES: Route[] = [
  route('GET', '/v1/Assistants', 'ListAssistants', (c) => ({
    status: 200,
    body: page(listOf(c), 'assistants', [...c.store.assistants.values()]),
  })),
  route(
    'POST',
    '/v1/Assistants',
    'CreateAssistant',
    (c) => ({ status: 201, body: createAssistant(c) }),
    true,
  ),
  route('GET', '/v1/Assistants/{id}', 'FetchAssistant', (c) => ({
    status: 200,
    body: assistantView(c.store, must(c.store.assistants, c.params.id, c.path)),
  })),
  route('PUT', '/v1/Assistants/{id}', 'UpdateAssistant', (c) => ({
    status: 200,
    body: update(c, must(c.store.assistants, c.params.id, c.path), FIELDS),
  })),
  route('DELETE', '/v1/Assistants/{id}', 'DeleteAssistant', (c) =>
    removeItem(c, c.store.assistants, (id) => {
      c.store.attachedTools.delete(id);
      c.store.attachedKnowledge.delete(id);
    }),
  ),
  ...attachments('Tools'),
  ...attachments('Knowledge'),
];
