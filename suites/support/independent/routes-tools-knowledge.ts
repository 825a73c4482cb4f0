// Tools and Knowledge: list (filterable by AssistantId), create (201, with an optional policy and an
// optional assistant to attach to), fetch, update (200), delete (204); a knowledge source's status and
// chunks; and the policies tools and knowledge sources were given (ListPolicies, by ToolId/KnowledgeId).

import {
  assign,
  type Ctx,
  checkPolicyId,
  listOf,
  makePolicy,
  must,
  mustExist,
  type Route,
  removeItem,
  route,
  update,
} from './context';
import { page } from './pages';
import { type Json, link, newId, PREFIX } from './store';
import { checkEmbeddingModel } from './validate';
import { chunksFor, chunksOf, knowledgeStatus, knowledgeView, toolView } from './views';

type Kind = 'tool' | 'knowledge';
const TOOL_FIELDS = ['name', 'description', 'enabled', 'meta', 'type'];
const KNOWLEDGE_FIELDS = ['name', 'description', 'knowledge_source_details', 'type', 'embedding_model'];

const itemsOf = (c: Ctx, kind: Kind) => (kind === 'tool' ? c.store.tools : c.store.knowledge);
const linksOf = (c: Ctx, kind: Kind) => (kind === 'tool' ? c.store.attachedTools : c.store.attachedKnowledge);

/** What both creates and updates check before anything changes, and do after. */
function before(c: Ctx, ownPolicy?: string): void {
  mustExist(c.store.assistants, 'assistant_id', c.body.assistant_id, 'Assistant');
  checkPolicyId(c, '', ownPolicy);
}
function after(c: Ctx, kind: Kind, id: string): void {
  if (typeof c.body.assistant_id === 'string') link(linksOf(c, kind), c.body.assistant_id, id);
  makePolicy(c, kind === 'tool' ? { tool: id } : { knowledge: id });
}
const ownPolicy = (c: Ctx, owner: 'tool' | 'knowledge', id: string): string | undefined =>
  [...c.store.policyOwner].find(([, o]) => o[owner] === id)?.[0];

function createTool(c: Ctx): Json {
  before(c);
  const s = c.store;
  const now = s.stamp();
  const id = newId(PREFIX.tool);
  const b = c.body;
  const t: Json = {
    account_sid: s.accountSid,
    description: b.description ?? null,
    enabled: b.enabled,
    id,
    meta: b.meta ?? {},
    name: b.name,
    requires_auth: false,
    type: b.type,
    url: `https://assistants.twilio.com/v1/Tools/${id}`,
    date_created: now,
    date_updated: now,
  };
  s.tools.set(id, t);
  after(c, 'tool', id);
  return t;
}

function createKnowledge(c: Ctx): Json {
  before(c);
  checkEmbeddingModel(c.body.type, c.body, false);
  const s = c.store;
  const now = s.stamp();
  const id = newId(PREFIX.knowledge);
  const k: Json = { id, account_sid: s.accountSid };
  assign(k, c.body, KNOWLEDGE_FIELDS);
  Object.assign(k, {
    url: `https://assistants.twilio.com/v1/Knowledge/${id}`,
    date_created: now,
    date_updated: now,
  });
  s.knowledge.set(id, k);
  const queuedAt = s.now();
  s.processing.set(id, {
    queuedAt,
    stuck: c.misbehaving.has('knowledge-never-processed'),
    chunks: chunksFor(s, k, queuedAt),
  });
  after(c, 'knowledge', id);
  return { ...k, status: 'QUEUED' };
}

function updateKnowledge(c: Ctx): Json {
  const k = must(c.store.knowledge, c.params.id, c.path);
  const type = c.body.type ?? k.type;
  checkEmbeddingModel(type, c.body, type === k.type && k.embedding_model !== undefined);
  const id = k.id as string;
  checkPolicyId(c, '', ownPolicy(c, 'knowledge', id));
  const next = update(c, k, KNOWLEDGE_FIELDS);
  if (type !== 'Database') {
    delete next.embedding_model;
    if (!c.misbehaving.has('update-ignored')) delete k.embedding_model;
  }
  makePolicy(c, { knowledge: id });
  return knowledgeView(c.store, next);
}

function updateTool(c: Ctx): Json {
  const t = must(c.store.tools, c.params.id, c.path);
  const id = t.id as string;
  before(c, ownPolicy(c, 'tool', id));
  const next = update(c, t, TOOL_FIELDS);
  after(c, 'tool', id);
  return next;
}

/** What goes with a tool or knowledge source: its attachments, its processing; its policies stay, ownerless. */
function forget(c: Ctx, kind: Kind, id: string): void {
  c.store.processing.delete(id);
  for (const list of linksOf(c, kind).values()) if (list.includes(id)) list.splice(list.indexOf(id), 1);
  for (const [p, o] of c.store.policyOwner) if (o[kind] === id) c.store.policyOwner.set(p, {});
}

/** Items of a top-level list, narrowed to those attached to `AssistantId` when it is given. */
function filtered(c: Ctx, kind: Kind): Json[] {
  const all = [...itemsOf(c, kind).values()];
  const a = c.query.get('AssistantId');
  if (a === null) return all;
  const ids = linksOf(c, kind).get(a) ?? [];
  return all.filter((i) => ids.includes(i.id as string));
}

function policies(c: Ctx): Json[] {
  const tool = c.query.get('ToolId');
  const knowledge = c.query.get('KnowledgeId');
  return [...c.store.policies.values()].filter((p) => {
    const o = c.store.policyOwner.get(p.id as string) ?? {};
    return (tool === null || o.tool === tool) && (knowledge === null || o.knowledge === knowledge);
  });
}

const ok = (body: unknown) => ({ status: 200, body });
const created = (body: unknown) => ({ status: 201, body });
const deleting = (kind: Kind) => (c: Ctx) => removeItem(c, itemsOf(c, kind), (id) => forget(c, kind, id));
const knowledge = (c: Ctx) => must(c.store.knowledge, c.params.id, c.path);

export const TOOL_KNOWLEDGE_ROUTES: Route[] = [
  route('GET', '/v1/Tools', 'ListTools', (c) =>
    ok(page(listOf(c, ['AssistantId']), 'tools', filtered(c, 'tool'))),
  ),
  route('POST', '/v1/Tools', 'CreateTool', (c) => created(createTool(c)), true),
  route('GET', '/v1/Tools/{id}', 'FetchTool', (c) =>
    ok(toolView(c.store, must(c.store.tools, c.params.id, c.path))),
  ),
  route('PUT', '/v1/Tools/{id}', 'UpdateTool', (c) => ok(updateTool(c))),
  route('DELETE', '/v1/Tools/{id}', 'DeleteTool', deleting('tool')),
  route('GET', '/v1/Knowledge', 'ListKnowledge', (c) =>
    ok(
      page(
        listOf(c, ['AssistantId']),
        'knowledge',
        filtered(c, 'knowledge').map((k) => knowledgeView(c.store, k)),
      ),
    ),
  ),
  route('POST', '/v1/Knowledge', 'CreateKnowledge', (c) => created(createKnowledge(c)), true),
  route('GET', '/v1/Knowledge/{id}', 'FetchKnowledge', (c) => ok(knowledgeView(c.store, knowledge(c)))),
  route('PUT', '/v1/Knowledge/{id}', 'UpdateKnowledge', (c) => ok(updateKnowledge(c))),
  route('DELETE', '/v1/Knowledge/{id}', 'DeleteKnowledge', deleting('knowledge')),
  route('GET', '/v1/Knowledge/{id}/Status', 'FetchKnowledgeStatus', (c) =>
    ok(knowledgeStatus(c.store, knowledge(c))),
  ),
  route('GET', '/v1/Knowledge/{id}/Chunks', 'ListKnowledgeChunks', (c) =>
    ok(page(listOf(c, [], false), 'chunks', chunksOf(c.store, knowledge(c).id as string))),
  ),
  route('GET', '/v1/Policies', 'ListPolicies', (c) =>
    ok(page(listOf(c, ['ToolId', 'KnowledgeId']), 'policies', policies(c))),
  ),
];
