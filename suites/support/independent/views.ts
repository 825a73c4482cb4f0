// How items read: a knowledge source's status as its processing stands now ("The status of processing
// the knowledge source ('QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED')"), its chunks only once it is
// COMPLETED; an assistant's fetch with its tools and knowledge; a tool's fetch with its policies.

import type { Json, Processing, Store } from './store';

const STAGES = ['QUEUED', 'PROCESSING', 'COMPLETED'] as const;

/** QUEUED for the first third of the processing time, PROCESSING until it is over, then COMPLETED. */
export function stage(p: Processing | undefined, processingMs: number, now: number): number {
  if (!p) return 2;
  const t = now - p.queuedAt;
  const i = t < processingMs / 3 ? 0 : t < processingMs ? 1 : 2;
  return p.stuck ? Math.min(i, 1) : i;
}

export function knowledgeView(s: Store, k: Json): Json {
  return { ...k, status: STAGES[stage(s.processing.get(k.id as string), s.processingMs, s.now())] };
}

export function knowledgeStatus(s: Store, k: Json): Json {
  const i = stage(s.processing.get(k.id as string), s.processingMs, s.now());
  return {
    account_sid: s.accountSid,
    status: STAGES[i],
    ...(i > 0 ? { last_status: STAGES[i - 1] } : {}),
    date_updated: k.date_updated,
  };
}

/** The chunks of a processed source; none while it is QUEUED or PROCESSING. */
export function chunksOf(s: Store, id: string): Json[] {
  const p = s.processing.get(id);
  return p && stage(p, s.processingMs, s.now()) === 2 ? p.chunks : [];
}

/** What processing will make of a source: its text cut in two, or words about where it came from. */
export function chunksFor(s: Store, k: Json, queuedAt: number): Json[] {
  const details = (k.knowledge_source_details ?? {}) as Json;
  const text =
    typeof details.content === 'string'
      ? details.content
      : `Indexed from ${String(details.source ?? k.name)}: what the ${String(k.type)} source says.`;
  const half = Math.ceil(text.length / 2);
  const at = new Date(queuedAt + s.processingMs).toISOString();
  return [text.slice(0, half), text.slice(half) || text].map((content, i) => ({
    account_sid: s.accountSid,
    content,
    metadata: { knowledge_id: k.id, chunk: i },
    date_created: at,
    date_updated: at,
  }));
}

export function assistantView(s: Store, a: Json): Json {
  const id = a.id as string;
  return {
    ...a,
    tools: (s.attachedTools.get(id) ?? []).flatMap((t) => {
      const item = s.tools.get(t);
      return item ? [item] : [];
    }),
    knowledge: (s.attachedKnowledge.get(id) ?? []).flatMap((k) => {
      const item = s.knowledge.get(k);
      return item ? [knowledgeView(s, item)] : [];
    }),
  };
}

export function toolView(s: Store, t: Json): Json {
  const policies = [...s.policyOwner].filter(([, o]) => o.tool === t.id).map(([p]) => s.policies.get(p));
  return { ...t, policies: policies.filter((p) => p !== undefined) };
}
