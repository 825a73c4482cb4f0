// Attach and detach: arrange a parent and an item of the run's own (a detach attaches first); act;
// judge what the nested list shows. An attach's undo is its detach, proven by the nested list no
// longer showing the item; a detach proven so is journalled as that undo done.

import { fillPath } from '../../model/operation';
import type { WriteOperation } from '../../model/writes';
import type { WriteObservation } from '../../rules/writes/observation';
import { succeeded } from '../../rules/writes/observation';
import type { JournalEntry } from '../journal';
import { listShape, type WriteSession, widest } from './session';
import { type ActOptions, type Maker, type Needs, pathNeeds, success } from './step';

/** The nested list of an attach or detach, under the parent its path names. */
function nestedOf(s: WriteSession, w: WriteOperation, values: Record<string, string>) {
  const nested = s.reads.get(w.effect.list ?? '');
  const parent = nested?.pathParams.at(-1)?.name;
  if (!nested || !parent) return undefined;
  return { nested, under: { [parent]: values[w.pathParams[0]?.name ?? ''] ?? '' } };
}

const itemOf = (w: WriteOperation, values: Record<string, string>) =>
  values[w.pathParams.at(-1)?.name ?? ''] ?? '';

/** The detach that undoes an attach, and the nested list that proves it gone. */
function undo(
  s: WriteSession,
  w: WriteOperation,
  values: Record<string, string>,
): Pick<JournalEntry, 'undo' | 'gone'> {
  const detach = s.writeOf('detach', w.effect.list);
  const at = nestedOf(s, w, values);
  if (!detach || !at) return {};
  return {
    undo: { write: detach.id, method: detach.method, path: fillPath(detach.path, values) },
    gone: { path: widest(at.nested, at.under), id: itemOf(w, values), ...listShape(at.nested) },
  };
}

async function judge(s: WriteSession, obs: WriteObservation, needs: Needs): Promise<void> {
  const at = nestedOf(s, obs.write, needs.values);
  if (at) obs.evidence.listed = await s.shown(at.nested, at.under, itemOf(obs.write, needs.values));
}

export const attach = {
  action: 'attach' as const,
  arrange: (s: WriteSession, w: WriteOperation, make: Maker, fresh = false) => pathNeeds(s, w, make, fresh),
  act(s: WriteSession, w: WriteOperation, needs: Needs, o: ActOptions = {}): Promise<WriteObservation> {
    return s.send(w, needs.values, {
      scenario: o.scenario ?? 'arrange',
      expect: success(w),
      undo: () => undo(s, w, needs.values),
    });
  },
  judge,
};

export const detach = {
  action: 'detach' as const,
  async arrange(s: WriteSession, w: WriteOperation, make: Maker, fresh = true): Promise<Needs | undefined> {
    const needs = await pathNeeds(s, w, make, fresh);
    if (needs) await make.attached(s, w, needs.values);
    return needs;
  },
  act(s: WriteSession, w: WriteOperation, needs: Needs, o: ActOptions = {}): Promise<WriteObservation> {
    return s.send(w, needs.values, { scenario: o.scenario ?? 'arrange', expect: success(w) });
  },
  async judge(s: WriteSession, obs: WriteObservation, needs: Needs): Promise<void> {
    await judge(s, obs, needs);
    const l = obs.evidence.listed;
    if (succeeded(obs) && l && !l.shown && l.complete)
      s.journal.record({
        kind: 'undone',
        write: obs.write.id,
        undo: { write: obs.write.id, method: obs.write.method, path: fillPath(obs.write.path, needs.values) },
      });
  },
};
