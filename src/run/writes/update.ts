// An update: arrange an item of the run's own; act with a body from the sources carrying the run's
// tag, the item read just before; judge what the fetch shows after (each value sent, every other
// field as before, the update's date moved on). Nothing to undo: the item's create is undone.

import { isRecord } from '../../json';
import { updatedFields, type WriteOperation } from '../../model/writes';
import type { WriteObservation } from '../../rules/writes/observation';
import { validBody } from '../../schemas/bodies';
import { itemPath, type WriteSession } from './session';
import { type ActOptions, type Maker, type Needs, pathNeeds, supply } from './step';

export const update = {
  action: 'update' as const,

  arrange: (s: WriteSession, w: WriteOperation, make: Maker, fresh = false) => pathNeeds(s, w, make, fresh),

  async act(s: WriteSession, w: WriteOperation, needs: Needs, o: ActOptions = {}): Promise<WriteObservation> {
    const fetch = s.reads.get(w.effect.fetch ?? '');
    const before = fetch
      ? await s.read(itemPath(fetch, needs.values, lastValue(w, needs), w.path) ?? '')
      : undefined;
    const body = validBody(w, {
      seed: o.seed ?? s.o.seed + 300,
      tag: `${s.tag} updated`,
      supply: (field, schema) => supply(s, field, schema),
    });
    if (!s.o.datesMoveOn && o.dated !== false) await laterSecond(w, before?.json);
    const obs = await s.send(w, needs.values, {
      scenario: o.scenario ?? 'update',
      expect: { statuses: w.success, body: 'success' },
      body: body ?? {},
    });
    obs.evidence.before = before?.json;
    return obs;
  },

  async judge(s: WriteSession, obs: WriteObservation, needs: Needs): Promise<void> {
    const path = itemPath(
      s.reads.get(obs.write.effect.fetch ?? ''),
      needs.values,
      lastValue(obs.write, needs),
      obs.write.path,
    );
    if (path) obs.evidence.fetched = await s.read(path);
  },
};

/** Waits, when the item was last updated this very second, for the next one: dates have seconds. */
async function laterSecond(w: WriteOperation, before: unknown): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const latest = updatedFields(w)
    .map((f) => (isRecord(before) && typeof before[f] === 'string' ? Date.parse(before[f]) : Number.NaN))
    .filter(Number.isFinite)
    .map((ms) => Math.floor(ms / 1000));
  if (latest.some((sec) => sec >= now))
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
}

const lastValue = (w: WriteOperation, needs: Needs): string =>
  needs.values[w.pathParams.at(-1)?.name ?? ''] ?? '';
