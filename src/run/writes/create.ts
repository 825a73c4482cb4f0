// A create: arrange its parents and the items its body names; act with a body from the sources, the
// run's tag in the field the answer echoes; judge that the fetch reads back what the create answered,
// the list shows it, and an item processed asynchronously reaches a terminal state within the bound;
// undo is its list's delete, proven by its fetch answering 404.

import { isRecord } from '../../json';
import { alignValues, tryFillPath } from '../../model/operation';
import { echoField, processingFields } from '../../model/twilio-conventions';
import type { WriteOperation } from '../../model/writes';
import type { WriteObservation } from '../../rules/writes/observation';
import { tagField, validBody } from '../../schemas/bodies';
import type { JournalEntry } from '../journal';
import { itemPath, type WriteSession } from './session';
import { type ActOptions, arrangeFields, arrangePath, type Maker, type Needs, success, supply } from './step';

export const create = {
  action: 'create' as const,

  async arrange(s: WriteSession, w: WriteOperation, make: Maker, fresh = false): Promise<Needs | undefined> {
    const values = await arrangePath(s, w, make, fresh);
    return values ? { values, supplied: await arrangeFields(s, w, values, make, fresh) } : undefined;
  },

  act(s: WriteSession, w: WriteOperation, needs: Needs, o: ActOptions = {}): Promise<WriteObservation> {
    const tagIn = tagField(w);
    // A tag in the field that names the item (an entity's Identity) is made unique per body.
    const names =
      tagIn !== undefined && echoField(w.response, tagIn) === s.reads.get(w.effect.list ?? '')?.idField;
    const body =
      o.body ??
      validBody(w, {
        seed: o.seed ?? s.o.seed,
        tag: s.tag,
        ...(names ? { tagSuffix: String(o.seed ?? s.o.seed) } : {}),
        supply: (field, schema) => needs.supplied[field] ?? supply(s, field, schema, needs.values),
        ...(o.optional ? { optional: o.optional } : {}),
      });
    return s.send(w, needs.values, {
      scenario: o.scenario ?? 'arrange',
      expect: success(w),
      ...(body !== undefined ? { body } : {}),
      ...(tagIn ? { tagIn } : {}),
      undo: (id) => (id === undefined ? {} : undo(s, w, needs.values, id)),
    });
  },

  /** The fetch reads back what the create answered, the list shows it; `processing`: its processing ends. */
  async judge(s: WriteSession, obs: WriteObservation, needs: Needs, processing = false): Promise<void> {
    const list = s.reads.get(obs.write.effect.list ?? '');
    const id = list?.idField && isRecord(obs.json) ? obs.json[list.idField] : undefined;
    if (!list || typeof id !== 'string' || !s.owns(list.id, id)) return;
    const fetchPath = itemPath(s.reads.get(obs.write.effect.fetch ?? ''), needs.values, id, obs.write.path);
    // Read once: the fetch that proved the item the run's own, right after the create, is this one.
    if (fetchPath && !obs.evidence.fetched)
      obs.evidence.fetched = s.readBack.get(obs) ?? (await s.read(fetchPath));
    const under = alignValues(obs.write.path, needs.values, list.path);
    if (tryFillPath(list.path, under) && !obs.evidence.listed)
      obs.evidence.listed = await s.shown(list, under, id);
    if (processing && fetchPath) await waitProcessed(s, obs, fetchPath);
  },
};

/** The delete that removes what a create made, and the fetch that proves it gone. */
function undo(s: WriteSession, w: WriteOperation, values: Record<string, string>, id: string) {
  const del = s.writeOf('delete', w.effect.list);
  const last = del?.pathParams.at(-1)?.name;
  if (!del || !last) return {};
  const gone = itemPath(s.reads.get(w.effect.fetch ?? ''), values, id, w.path);
  const path = tryFillPath(del.path, { ...alignValues(w.path, values, del.path), [last]: id });
  if (!path) return {};
  const out: Pick<JournalEntry, 'undo' | 'gone'> = { undo: { write: del.id, method: del.method, path } };
  return gone ? { ...out, gone: { path: gone } } : out;
}

/** Values of a processing field that end processing: done, or failed. */
const TERMINAL = /complete|ready|succe|done|active|finished|fail|error|cancel/i;

/**
 * Polls an item processed asynchronously until a processing field is terminal, or the bound passes:
 * first after 50 ms, then twice as long each time up to pollMs (what is done early is seen early);
 * a run that stops sending (a signal, its deadline or budget) stops polling too.
 */
async function waitProcessed(s: WriteSession, obs: WriteObservation, path: string): Promise<void> {
  const schema = s.reads.get(obs.write.effect.fetch ?? '')?.schemas;
  const response = schema?.openapi?.response ?? schema?.docs?.response ?? obs.write.response ?? {};
  const [field] = processingFields(response).map(([name]) => name);
  if (field === undefined) return;
  const bound = s.o.processingBoundMs ?? 30_000;
  const started = Date.now();
  const poll = s.o.pollMs ?? 500;
  let value: unknown = isRecord(obs.json) ? obs.json[field] : undefined;
  for (let wait = Math.min(50, poll); ; wait = Math.min(wait * 2, poll)) {
    const terminal = typeof value === 'string' && TERMINAL.test(value);
    const ms = Date.now() - started;
    if (terminal || ms >= bound) {
      obs.evidence.processed = { field, value, ms, bound, terminal };
      return;
    }
    await new Promise((r) => setTimeout(r, wait));
    const r = await s.read(path);
    // A read held back (a signal, the deadline, the budget): nothing more will be seen, so nothing is
    // waited for, and the processing is not judged on a value no read could update.
    if (r.status === undefined && s.o.transport.holdsBack !== undefined) return;
    value = isRecord(r.json) ? r.json[field] : value;
  }
}
