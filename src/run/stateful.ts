// The API's lifecycle as a model (fast-check model-based testing): sequences of creates, updates,
// deletes, attaches, detaches and sends, derived from the write descriptors (a command per action
// shape, not per resource). After each command the API and the model must agree: every item the
// model holds is fetched (and a removed one is gone), a nested list shows exactly what the model
// attached. A failure shrinks to the shortest sequence and replays by seed. Each sequence's items
// are journalled before they are made and undone at its end.

import type * as FC from 'fast-check';
import type { Finding } from '../finding';
import { isRecord, parseProviderJson } from '../json';
import { fastCheck } from '../lazy';
import { fillPath, type Operation } from '../model/operation';
import { type WriteOperation, writeLabel } from '../model/writes';
import { validBody } from '../schemas/bodies';
import type { Contract } from '../schemas/contract';
import type { HttpTransport } from '../transport/http';
import type { Journal } from './journal';
import { undo } from './lifecycle';

/** What the model says the account holds: ids per list, attachments per nested list and parent, removed ids. */
interface Model {
  items: Map<string, string[]>;
  attached: Map<string, string[]>;
  removed: Set<string>;
}

interface Real {
  transport: HttpTransport;
}

export interface StatefulOptions {
  contract: Contract;
  transport: HttpTransport;
  cleanup: HttpTransport;
  journal: Journal;
  tag: string;
  numRuns: number;
  maxCommands?: number;
  seed?: number;
}

export const STATEFUL_RULE = 'write.lifecycle-model';

class Mismatch extends Error {}

const key = (list: string, parent: string) => `${list}\u0000${parent}`;

export async function runStateful(
  o: StatefulOptions,
): Promise<{ findings: Finding[]; judged: number; requests: number }> {
  const fc = fastCheck();
  const { contract } = o;
  const reads = new Map(contract.operations.map((r) => [r.id, r]));
  const t = o.transport;
  const seqStart: { at: number } = { at: 0 };
  let judged = 0;
  let lastError = '';

  const call = async (w: WriteOperation, values: Record<string, string>, body?: unknown) => {
    const path = fillPath(w.path, values);
    if (w.action === 'create' || w.action === 'attach' || w.action === 'send')
      o.journal.record({ kind: 'intent', write: w.id, path });
    const e = await t.send(w.method, path, body === undefined ? {} : { body });
    const status = e.response?.status;
    if (status === undefined || !w.success.includes(status))
      throw new Mismatch(
        `${writeLabel(w)} ${path} answered ${status ?? e.error?.message}, expected ${w.success.join(' or ')}`,
      );
    const parsed = e.response?.body ? parseProviderJson(e.response.body) : undefined;
    return parsed?.ok ? parsed.value : undefined;
  };
  const status = async (path: string) => (await t.get(path)).response?.status;
  const listIds = async (list: Operation, values: Record<string, string>): Promise<string[] | undefined> => {
    const e = await t.get(`${fillPath(list.path, values)}?PageSize=1000`);
    const parsed = e.response?.status === 200 ? parseProviderJson(e.response.body) : undefined;
    const items = parsed?.ok && isRecord(parsed.value) ? parsed.value[list.itemsKey ?? ''] : undefined;
    return Array.isArray(items)
      ? items.map((it) => String(isRecord(it) ? it[list.idField ?? 'id'] : it))
      : undefined;
  };
  const fetchPath = (list: Operation, id: string) => {
    const fetch = reads.get(list.pairsWith ?? '');
    const last = fetch?.pathParams.at(-1)?.name;
    return fetch && last ? fillPath(fetch.path, { [last]: id }) : undefined;
  };
  const journalMade = (
    w: WriteOperation,
    id: string,
    path: string,
    undoWrite?: WriteOperation,
    undoPath?: string,
  ) =>
    o.journal.record({
      kind: 'made',
      write: w.id,
      id,
      path,
      ...(undoWrite && undoPath
        ? { undo: { write: undoWrite.id, method: undoWrite.method, path: undoPath } }
        : {}),
    });

  /** After a command: the API shows what the model holds, for the lists it touched. */
  const agree = async (m: Model, list: Operation, touched: string[]) => {
    for (const id of touched) {
      const path = fetchPath(list, id);
      if (!path) continue;
      const want = m.removed.has(id) ? 404 : 200;
      const got = await status(path);
      if (got !== want) throw new Mismatch(`after it, ${path} answered ${got}; the model says ${want}`);
    }
  };

  const writesOf = (action: WriteOperation['action']) => contract.writes.filter((w) => w.action === action);
  const commands: Array<FC.Arbitrary<FC.AsyncCommand<Model, Real>>> = [];
  for (const w of writesOf('create').filter((x) => x.pathParams.length === 0)) {
    const list = reads.get(w.effect.list ?? '');
    const del = contract.writes.find((x) => x.action === 'delete' && x.effect.list === w.effect.list);
    if (!list) continue;
    commands.push(
      fc.nat().map((seed) => ({
        check: () => true,
        run: async (m: Model) => {
          const json = await call(w, {}, validBody(w, { seed, tag: o.tag }));
          const id = isRecord(json) ? json[list.idField ?? 'id'] : undefined;
          if (typeof id !== 'string') throw new Mismatch(`${writeLabel(w)} answered no ${list.idField}`);
          const last = del?.pathParams.at(-1)?.name;
          journalMade(w, id, w.path, del, del && last ? fillPath(del.path, { [last]: id }) : undefined);
          m.items.set(list.id, [...(m.items.get(list.id) ?? []), id]);
          await agree(m, list, [id]);
        },
        toString: () => `${w.id}()`,
      })),
    );
  }
  const creators = commands.length;
  const pick = (ids: string[] | undefined, k: number) => (ids?.length ? ids[k % ids.length] : undefined);
  for (const w of [...writesOf('update'), ...writesOf('delete')]) {
    const list = reads.get(w.effect.list ?? '');
    const last = w.pathParams.at(-1)?.name;
    if (!list || !last) continue;
    commands.push(
      fc.tuple(fc.nat(), fc.nat()).map(([k, seed]) => ({
        check: (m: Model) => (m.items.get(list.id)?.length ?? 0) > 0,
        run: async (m: Model) => {
          const id = pick(m.items.get(list.id), k) as string;
          await call(
            w,
            { [last]: id },
            w.action === 'update' ? (validBody(w, { seed, tag: o.tag }) ?? {}) : undefined,
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
          await agree(m, list, [id]);
        },
        toString: () => `${w.id}(#${k})`,
      })),
    );
  }
  for (const w of [...writesOf('attach'), ...writesOf('detach')]) {
    const nested = reads.get(w.effect.list ?? '');
    const [parentParam, itemParam] = [w.pathParams[0], w.pathParams.at(-1)];
    const parentList = parentParam?.from?.operation;
    const itemList = w.effect.item;
    const detach = contract.writes.find((x) => x.action === 'detach' && x.effect.list === w.effect.list);
    if (!nested || !parentParam || !itemParam || !parentList || !itemList || w.pathParams.length !== 2)
      continue;
    commands.push(
      fc.tuple(fc.nat(), fc.nat()).map(([p, i]) => ({
        check: (m: Model) => {
          const parent = pick(m.items.get(parentList), p);
          if (parent === undefined) return false;
          const attached = m.attached.get(key(nested.id, parent)) ?? [];
          return w.action === 'attach' ? (m.items.get(itemList)?.length ?? 0) > 0 : attached.length > 0;
        },
        run: async (m: Model) => {
          const parent = pick(m.items.get(parentList), p) as string;
          const k2 = key(nested.id, parent);
          const attached = m.attached.get(k2) ?? [];
          const item = (w.action === 'attach' ? pick(m.items.get(itemList), i) : pick(attached, i)) as string;
          const values = { [parentParam.name]: parent, [itemParam.name]: item };
          await call(w, values);
          if (w.action === 'attach') {
            if (detach) journalMade(w, item, fillPath(w.path, values), detach, fillPath(detach.path, values));
            if (!attached.includes(item)) m.attached.set(k2, [...attached, item]);
          } else
            m.attached.set(
              k2,
              attached.filter((x) => x !== item),
            );
          const shown = await listIds(nested, { [nested.pathParams.at(-1)?.name ?? '']: parent });
          const want = [...(m.attached.get(k2) ?? [])].sort();
          if (JSON.stringify([...(shown ?? [])].sort()) !== JSON.stringify(want))
            throw new Mismatch(
              `after it, the nested list of ${parent} shows [${shown?.join(', ')}]; the model says [${want.join(', ')}]`,
            );
        },
        toString: () => `${w.id}(#${p}, #${i})`,
      })),
    );
  }

  const findings: Finding[] = [];
  if (commands.length === 0) return { findings, judged: 0, requests: 0 };
  // Creates weigh three times as much: every other command needs something made first.
  const creates = commands.slice(0, creators);
  const weighted = [...creates, ...creates, ...commands];
  // Always a seed of our own, non-negative: the one printed is the one --seed replays.
  const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
  const details = await fc.check(
    fc.asyncProperty(fc.commands(weighted, { maxCommands: o.maxCommands ?? 10 }), async (cmds) => {
      seqStart.at = o.journal.entries.length;
      const model: Model = { items: new Map(), attached: new Map(), removed: new Set() };
      try {
        await fc.asyncModelRun(() => ({ model, real: { transport: t } }), cmds);
        judged++;
      } catch (error) {
        if (!(error instanceof Mismatch)) throw error;
        lastError = error.message;
        throw error;
      } finally {
        // This sequence's items undone, newest first, before the next one starts.
        await undo(o.cleanup, contract, o.journal, o.journal.entries.slice(seqStart.at));
      }
    }),
    { numRuns: o.numRuns, seed },
  );
  if (details.failed) {
    findings.push({
      rule: STATEFUL_RULE,
      severity: 'error',
      category: 'contract',
      source: 'the write descriptors',
      operation: 'the write lifecycle',
      ...(details.counterexample ? { input: String(details.counterexample[0]) } : {}),
      message: `${lastError || String(details.errorInstance)} — shortest sequence ${details.counterexample ? String(details.counterexample[0]) : '?'} (seed ${seed}, path "${details.counterexamplePath}"; replay with --seed ${seed})`,
    });
  }
  return { findings, judged, requests: t.requestsSent };
}
