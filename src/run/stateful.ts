// The API's lifecycle as a model (fast-check model-based testing): sequences of creates, updates,
// deletes, attaches and detaches, derived from the write descriptors (a command per action shape,
// not per resource), each sent through the write steps and their session — journalled, on the run's
// own items only. After each command the API and the model must agree: every item the model holds
// is fetched (a removed one is gone), a nested list shows exactly what the model attached. A failure
// shrinks to the shortest sequence and replays by seed. Each sequence's items are undone at its end.

import type * as FC from 'fast-check';
import type { Finding } from '../finding';
import { isRecord } from '../json';
import { fastCheck } from '../lazy';
import { fillPath, type Operation } from '../model/operation';
import { type WriteOperation, writeLabel } from '../model/writes';
import { categoryOf } from '../rules/rule';
import type { WriteObservation } from '../rules/writes/observation';
import { itemPath, type WriteSession, WriteStopped } from './writes/session';
import { attach, create, detach, remove, update } from './writes/steps';
import { undoAll } from './writes/undo';

/** What the model says the account holds: ids per list, attachments per nested list and parent, removed ids. */
interface Model {
  items: Map<string, string[]>;
  attached: Map<string, string[]>;
  removed: Set<string>;
}

export interface StatefulOptions {
  session: WriteSession;
  numRuns: number;
  maxCommands?: number;
  seed?: number;
}

export const STATEFUL_RULE = 'write.lifecycle-model';

class Mismatch extends Error {}
type Command = FC.Arbitrary<FC.AsyncCommand<Model, WriteSession>>;

const key = (list: string, parent: string) => `${list}\u0000${parent}`;
const pick = (ids: string[] | undefined, k: number) => (ids?.length ? ids[k % ids.length] : undefined);

/** The write answered as the spec documents, else the model and the API part here. */
function expectSuccess(obs: WriteObservation): void {
  const status = obs.exchange.response?.status;
  const w = obs.write;
  if (status === undefined || !w.success.includes(status)) {
    // No answer, or a 5xx or 429: the provider failed (its transport finding says so), and the
    // lifecycle stops there — no model the API departs from.
    if (categoryOf(obs) !== 'contract')
      throw new WriteStopped(
        `${writeLabel(w)} answered ${status ?? obs.exchange.error?.message}: the provider failed, the lifecycle stopped`,
      );
    throw new Mismatch(
      `${writeLabel(w)} ${obs.exchange.request.url} answered ${status ?? obs.exchange.error?.message}, expected ${w.success.join(' or ')}`,
    );
  }
}

/** After a command: each touched item fetched as the model says (200, or 404 once removed). */
async function agree(s: WriteSession, m: Model, list: Operation, ids: string[]): Promise<void> {
  for (const id of ids) {
    const path = itemPath(s.reads.get(list.pairsWith ?? ''), {}, id);
    if (!path) continue;
    const want = m.removed.has(id) ? 404 : 200;
    const got = (await s.read(path)).status;
    if (got !== want) throw new Mismatch(`after it, ${path} answered ${got}; the model says ${want}`);
  }
}

function createCommand(fc: typeof FC, w: WriteOperation, list: Operation): Command {
  return fc.nat().map((seed) => ({
    check: () => true,
    run: async (m: Model, s: WriteSession) => {
      const obs = await create.act(s, w, { values: {}, supplied: {} }, { seed });
      expectSuccess(obs);
      const id = isRecord(obs.json) ? obs.json[list.idField ?? 'id'] : undefined;
      if (typeof id !== 'string' || !s.owns(list.id, id))
        throw new Mismatch(`${writeLabel(w)} answered no new ${list.idField} of the run's own`);
      m.items.set(list.id, [...(m.items.get(list.id) ?? []), id]);
      await agree(s, m, list, [id]);
    },
    toString: () => `${w.id}()`,
  }));
}

function changeCommand(fc: typeof FC, w: WriteOperation, list: Operation, last: string): Command {
  return fc.tuple(fc.nat(), fc.nat()).map(([k, seed]) => ({
    check: (m: Model) => (m.items.get(list.id)?.length ?? 0) > 0,
    run: async (m: Model, s: WriteSession) => {
      const id = pick(m.items.get(list.id), k) as string;
      const needs = { values: { [last]: id }, supplied: {} };
      // Not dated: the model reads only each item's status after a command, never its date (the
      // arranged updates judge that), so an update is not held for the next second here.
      expectSuccess(
        w.action === 'update'
          ? await update.act(s, w, needs, { seed, dated: false })
          : await remove.act(s, w, needs),
      );
      if (w.action === 'delete') {
        m.items.set(
          list.id,
          (m.items.get(list.id) ?? []).filter((x) => x !== id),
        );
        m.removed.add(id);
        for (const [k2, ids] of m.attached)
          m.attached.set(
            k2,
            ids.filter((x) => x !== id),
          );
      }
      await agree(s, m, list, [id]);
    },
    toString: () => `${w.id}(#${k})`,
  }));
}

async function listIds(
  s: WriteSession,
  list: Operation,
  values: Record<string, string>,
): Promise<string[] | undefined> {
  const r = await s.read(`${fillPath(list.path, values)}?PageSize=1000`);
  const items = isRecord(r.json) ? r.json[list.itemsKey ?? ''] : undefined;
  return Array.isArray(items)
    ? items.map((it) => String(isRecord(it) ? it[list.idField ?? 'id'] : it))
    : undefined;
}

function attachCommand(
  fc: typeof FC,
  w: WriteOperation,
  nested: Operation,
  parentList: string,
  itemList: string,
): Command {
  const [parentParam, itemParam] = [w.pathParams[0]?.name ?? '', w.pathParams.at(-1)?.name ?? ''];
  return fc.tuple(fc.nat(), fc.nat()).map(([p, i]) => ({
    check: (m: Model) => {
      const parent = pick(m.items.get(parentList), p);
      if (parent === undefined) return false;
      const attached = m.attached.get(key(nested.id, parent)) ?? [];
      return w.action === 'attach' ? (m.items.get(itemList)?.length ?? 0) > 0 : attached.length > 0;
    },
    run: async (m: Model, s: WriteSession) => {
      const parent = pick(m.items.get(parentList), p) as string;
      const k2 = key(nested.id, parent);
      const attached = m.attached.get(k2) ?? [];
      const item = (w.action === 'attach' ? pick(m.items.get(itemList), i) : pick(attached, i)) as string;
      const needs = { values: { [parentParam]: parent, [itemParam]: item }, supplied: {} };
      expectSuccess(await (w.action === 'attach' ? attach : detach).act(s, w, needs));
      const now =
        w.action === 'attach' ? [...new Set([...attached, item])] : attached.filter((x) => x !== item);
      m.attached.set(k2, now);
      const shown = await listIds(s, nested, { [nested.pathParams.at(-1)?.name ?? '']: parent });
      if (JSON.stringify([...(shown ?? [])].sort()) !== JSON.stringify([...now].sort()))
        throw new Mismatch(
          `after it, the nested list of ${parent} shows [${shown?.join(', ')}]; the model says [${now.join(', ')}]`,
        );
    },
    toString: () => `${w.id}(#${p}, #${i})`,
  }));
}

/**
 * A command per write shape: creates of top-level lists whose items have ids (weighted: everything
 * needs one), changes, attachments.
 */
function commandsOf(fc: typeof FC, s: WriteSession): Command[] {
  const lists = (id: string | undefined) => (id ? s.reads.get(id) : undefined);
  const creates = s.writes.flatMap((w) => {
    const list = lists(w.effect.list);
    // The model follows items by id: a list whose items carry none (no id field) has no command.
    return w.action === 'create' && w.pathParams.length === 0 && list?.idField
      ? [createCommand(fc, w, list)]
      : [];
  });
  const changes = s.writes.flatMap((w) => {
    const list = lists(w.effect.list);
    const last = w.pathParams.at(-1)?.name;
    return (w.action === 'update' || w.action === 'delete') && list && last && w.pathParams.length === 1
      ? [changeCommand(fc, w, list, last)]
      : [];
  });
  const attachments = s.writes.flatMap((w) => {
    const nested = lists(w.effect.list);
    const parent = w.pathParams[0]?.from?.operation;
    return (w.action === 'attach' || w.action === 'detach') &&
      nested &&
      parent &&
      w.effect.item &&
      w.pathParams.length === 2
      ? [attachCommand(fc, w, nested, parent, w.effect.item)]
      : [];
  });
  return creates.length ? [...creates, ...creates, ...creates, ...changes, ...attachments] : [];
}

export async function runStateful(
  o: StatefulOptions,
): Promise<{ findings: Finding[]; judged: number; why?: string }> {
  const fc = fastCheck();
  const s = o.session;
  const commands = commandsOf(fc, s);
  if (commands.length === 0) return { findings: [], judged: 0 };
  let judged = 0;
  let lastError = '';
  let stopped: string | undefined;
  // Always a seed of our own, non-negative: the one printed is the one --seed replays.
  const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
  const details = await fc.check(
    fc.asyncProperty(fc.commands(commands, { maxCommands: o.maxCommands ?? 10 }), async (cmds) => {
      const start = s.journal.entries.length;
      const model: Model = { items: new Map(), attached: new Map(), removed: new Set() };
      if (stopped) return;
      try {
        await fc.asyncModelRun(() => ({ model, real: s }), cmds);
        judged++;
      } catch (error) {
        if (error instanceof WriteStopped) {
          stopped = error.message;
          return;
        }
        if (!(error instanceof Mismatch)) throw error;
        lastError = error.message;
        throw error;
      } finally {
        // This sequence's items undone, newest first, before the next one starts.
        const done = await undoAll(s.contract, s.o.cleanup, s.journal, s.journal.entries.slice(start));
        for (const e of s.journal.entries.slice(start))
          if (e.kind === 'made' && e.list && e.id && !done.left.some((l) => l.id === e.id))
            s.forget(e.list, e.id);
      }
    }),
    { numRuns: o.numRuns, seed },
  );
  if (!details.failed) return { findings: [], judged, ...(stopped ? { why: stopped } : {}) };
  const shortest = details.counterexample ? String(details.counterexample[0]) : '?';
  return {
    judged,
    findings: [
      {
        rule: STATEFUL_RULE,
        severity: 'error',
        category: 'contract',
        source: 'the write descriptors',
        operation: 'the write lifecycle',
        ...(details.counterexample ? { input: shortest } : {}),
        message: `${lastError || String(details.errorInstance)} — shortest sequence ${shortest} (seed ${seed}, path "${details.counterexamplePath}"; replay with --seed ${seed})`,
      },
    ],
  };
}
