// The write steps by action, and the one Maker through which a step gets what it needs made by the
// others (a parent by its create, a conversation by a send, an attachment by its attach): steps never
// import each other.

import { isRecord } from '../../json';
import type { WriteAction, WriteOperation } from '../../model/writes';
import { attach, detach } from './attach';
import { create } from './create';
import { remove } from './delete';
import { send } from './send';
import type { WriteSession } from './session';
import { arrangePath, type Maker, type WriteStep } from './step';
import { update } from './update';

export const STEPS: Record<WriteAction, WriteStep> = { create, update, delete: remove, attach, detach, send };

export const stepOf = (w: WriteOperation): WriteStep => STEPS[w.action];

/** Distinct bodies and conversations for each thing a session makes. */
const counters = new WeakMap<WriteSession, number>();
const next = (s: WriteSession): number => {
  const n = (counters.get(s) ?? 0) + 1;
  counters.set(s, n);
  return n;
};

export const maker: Maker = {
  async item(s, list) {
    const w = s.writes.find((x) => x.action === 'create' && x.effect.list === list);
    const needs = w ? await create.arrange(s, w, maker) : undefined;
    if (!w || !needs) return undefined;
    const obs = await create.act(s, w, needs, { seed: s.o.seed + 1000 + next(s) });
    const idField = s.reads.get(list)?.idField ?? '';
    const id = isRecord(obs.json) ? obs.json[idField] : undefined;
    return typeof id === 'string' && s.owns(list, id) ? id : undefined;
  },

  async named(s, field, values) {
    const w = s.writes.find((x) => x.action === 'send' && x.effect.names?.some((n) => n.field === field));
    if (!w) return undefined;
    const own = w.pathParams.every((p) => values[p.name] !== undefined)
      ? values
      : await arrangePath(s, w, maker);
    if (!own) return undefined;
    const obs = await send.act(s, w, { values: own, supplied: {} }, { conversation: 1000 + next(s) });
    const name = w.effect.names?.find((n) => n.field === field);
    const id = isRecord(obs.json) ? obs.json[field] : undefined;
    return name && typeof id === 'string' && s.owns(name.list, id) ? id : undefined;
  },

  async attached(s, w, values) {
    const a = s.writeOf('attach', w.effect.list);
    if (a) await attach.act(s, a, { values, supplied: {} });
  },
};

export { attach, create, detach, remove, send, update };
