// A send (a message to an assistant): arrange its parent; act with a body from the sources, each item
// it names (a conversation) named by the run with its tag; judge that what it names is listed and
// fetched, and that what was sent and the reply are stored among the items nested under it (the
// conversation's messages). Nothing to undo: the API has no operation that removes a conversation.

import { isRecord } from '../../json';
import { type JsonSchema, schemaTypes } from '../../model/json-schema';
import { tryFillPath } from '../../model/operation';
import { echoField } from '../../model/twilio-conventions';
import type { WriteOperation } from '../../model/writes';
import type { Evidence, WriteObservation } from '../../rules/writes/observation';
import { validBody } from '../../schemas/bodies';
import { itemPath, type WriteSession } from './session';
import { type ActOptions, type Maker, type Needs, pathNeeds, success, supply } from './step';

export interface SendOptions extends ActOptions {
  /** Which of the run's conversations the message goes to (a new one per key). */
  conversation?: number;
}

const freeText = (s: JsonSchema | undefined): boolean =>
  s !== undefined &&
  schemaTypes(s).includes('string') &&
  !s.pattern &&
  !s.format &&
  !s['x-values'] &&
  !s.enum;

/** Every string in a value, at any depth, with white space folded. */
function strings(v: unknown, out: string[] = [], depth = 0): string[] {
  if (typeof v === 'string') out.push(v.replace(/\s+/g, ' ').trim());
  else if (depth < 8 && Array.isArray(v)) for (const x of v) strings(x, out, depth + 1);
  else if (depth < 8 && isRecord(v)) for (const x of Object.values(v)) strings(x, out, depth + 1);
  return out;
}

/**
 * What the exchange carried that its conversation must hold: the free text sent, and the reply (a
 * field of the same name) — where the conversation's items have room for it (a field that echoes
 * it, or a free-form object of no stated format: a message's `content`); what they have no field for
 * is not expected.
 */
function exchangeTexts(w: WriteOperation, sent: unknown, answer: unknown, held?: JsonSchema): string[] {
  const out: string[] = [];
  const props = held?.properties ?? {};
  // A free-form object (a message's content) has room; one whose values have a format (a map of
  // URLs) has none.
  const roomy = (v: unknown) => v === undefined || v === true || (isRecord(v) && !v.format && !v.pattern);
  const freeForm = Object.values(props).some(
    (p) => schemaTypes(p).includes('object') && !p.properties && !p.format && roomy(p.additionalProperties),
  );
  for (const [field, s] of Object.entries(w.request?.properties ?? {})) {
    if (!freeText(s) || (w.effect.names ?? []).some((n) => n.field === field)) continue;
    if (held && !freeForm && echoField(held, field) === undefined) continue;
    const mine = isRecord(sent) ? sent[field] : undefined;
    const echo = echoField(w.response, field);
    const reply = isRecord(answer) && echo ? answer[echo] : undefined;
    if (typeof mine === 'string' && mine.trim()) out.push(mine);
    if (
      echo &&
      freeText(w.response?.properties?.[echo]) &&
      typeof reply === 'string' &&
      reply.trim() &&
      reply !== mine
    )
      out.push(reply);
  }
  return out.map((t) => t.replace(/\s+/g, ' ').trim());
}

const readIf = (s: WriteSession, path: string | undefined) => (path ? s.read(path) : undefined);

export const send = {
  action: 'send' as const,

  arrange: (s: WriteSession, w: WriteOperation, make: Maker, fresh = false) => pathNeeds(s, w, make, fresh),

  act(s: WriteSession, w: WriteOperation, needs: Needs, o: SendOptions = {}): Promise<WriteObservation> {
    const body =
      validBody(w, { seed: o.seed ?? s.o.seed + 100, supply: (f, schema) => supply(s, f, schema) }) ?? {};
    for (const n of w.effect.names ?? [])
      if (w.request?.properties?.[n.field])
        body[n.field] = `${s.tag}-${n.field}-${o.conversation ?? 0}`.slice(0, 64);
    return s.send(w, needs.values, { scenario: o.scenario ?? 'arrange', expect: success(w), body });
  },

  async judge(s: WriteSession, obs: WriteObservation): Promise<void> {
    const named: NonNullable<Evidence['named']> = [];
    for (const n of obs.write.effect.names ?? []) {
      const id = isRecord(obs.json) ? obs.json[n.field] : undefined;
      const list = s.reads.get(n.list);
      // Reads only: what a send names is judged whether or not it is the run's own.
      if (typeof id !== 'string' || !list) continue;
      const fetchPath = itemPath(s.reads.get(list.pairsWith ?? ''), {}, id);
      const children = s.reads.get(n.children ?? '');
      const param = children?.pathParams.find((p) => p.from?.operation === list.id);
      const held =
        children && param ? await readIf(s, tryFillPath(children.path, { [param.name]: id })) : undefined;
      const items = isRecord(held?.json) ? held.json[children?.itemsKey ?? ''] : undefined;
      const stored = new Set(strings(items));
      const schema = children ? s.contract.merged(children) : undefined;
      const item = schema?.properties?.[children?.itemsKey ?? '']?.items;
      const missing = exchangeTexts(obs.write, obs.sent, obs.json, item).filter(
        (t) => ![...stored].some((x) => x.includes(t)),
      );
      named.push({
        field: n.field,
        id,
        ...(list.pathParams.length === 0 ? { listed: (await s.shown(list, {}, id)).shown } : {}),
        ...(fetchPath ? { fetched: (await s.read(fetchPath)).status ?? 0 } : {}),
        ...(Array.isArray(items) ? { children: items.length } : {}),
        ...(Array.isArray(items) && missing.length ? { missing } : {}),
      });
    }
    obs.evidence.named = named;
  },
};
