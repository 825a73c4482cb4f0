// A delete: arrange a fresh item of the run's own (only ever what it made); act; judge that the fetch
// answers 404 and the list no longer shows it. What it removed is journalled undone only when a read
// shows it gone; otherwise undo tries again and reports what is left.

import { alignValues, fillPath, tryFillPath } from '../../model/operation';
import type { WriteOperation } from '../../model/writes';
import type { WriteObservation } from '../../rules/writes/observation';
import { succeeded } from '../../rules/writes/observation';
import { itemPath, type WriteSession } from './session';
import { type ActOptions, type Maker, type Needs, pathNeeds, success } from './step';

export const remove = {
  action: 'delete' as const,

  arrange: (s: WriteSession, w: WriteOperation, make: Maker, fresh = true) => pathNeeds(s, w, make, fresh),

  act(s: WriteSession, w: WriteOperation, needs: Needs, o: ActOptions = {}): Promise<WriteObservation> {
    return s.send(w, needs.values, { scenario: o.scenario ?? 'arrange', expect: success(w) });
  },

  async judge(s: WriteSession, obs: WriteObservation, needs: Needs): Promise<void> {
    const w = obs.write;
    const id = needs.values[w.pathParams.at(-1)?.name ?? ''] ?? '';
    const path = itemPath(s.reads.get(w.effect.fetch ?? ''), needs.values, id, w.path);
    const list = s.reads.get(w.effect.list ?? '');
    if (path) obs.evidence.fetched = await s.read(path);
    const under = list ? alignValues(w.path, needs.values, list.path) : {};
    if (list && tryFillPath(list.path, under)) obs.evidence.listed = await s.shown(list, under, id);
    const gone = obs.evidence.fetched?.status === 404 && obs.evidence.listed?.shown !== true;
    if (!succeeded(obs) || !gone || !list) return;
    s.forget(list.id, id);
    s.journal.record({
      kind: 'undone',
      write: w.id,
      id,
      undo: { write: w.id, method: w.method, path: fillPath(w.path, needs.values) },
    });
  },
};
