// The end of anything that wrote — a run, a verification's provider states, a record, a cleanup after a
// crash: sweep for the run's tag where an answer was lost, undo what the journal says the run made
// (each removal read back), sweep again, and only then call it done. A sweep that could not read every
// page, or anything left, keeps the journal open for `npm run cleanup`.

import type { WriteObservation } from '../../rules/writes/observation';
import type { Contract } from '../../schemas/contract';
import type { HttpTransport } from '../../transport/http';
import { type Journal, type JournalEntry, lostWrites } from '../journal';
import { censusOf, sweep } from './sweep';
import { type Left, undoAll } from './undo';

export interface Finished {
  /** The removals sent (judged by the write rules). */
  observations: WriteObservation[];
  /** What is still there, and why. */
  left: Left[];
  /** Sweeps that could not read every page: nothing can be said of what they did not read. */
  incomplete: string[];
  /** Items found by the tag (answers that were lost). */
  found: number;
  done: boolean;
}

/** The lists a sweep must search: those of creates whose answer was lost, or never came. */
export function lostLists(contract: Contract, entries: readonly JournalEntry[]): Set<string> {
  const lists = new Set<string>();
  for (const e of lostWrites(entries)) {
    const w = contract.writes.find((x) => x.id === e.write);
    if (w?.action === 'create' && w.effect.list) lists.add(w.effect.list);
  }
  return lists;
}

/** Sweeps, undoes and sweeps again, from the journal's entries; records done only when nothing is left. */
export async function finishWrites(o: {
  contract: Contract;
  transport: HttpTransport;
  journal: Journal;
  /** Every entry of the run, the journal's file included (a cleanup) or this process's (a run). */
  entries: () => readonly JournalEntry[];
  /** Lists to sweep besides those the entries show were lost. */
  lost?: ReadonlySet<string>;
  /** Whether these are the journal's last entries (done is recorded when nothing is left); default true. */
  final?: boolean;
}): Promise<Finished> {
  const out: Finished = { observations: [], left: [], incomplete: [], found: 0, done: false };
  const lists = new Set([...lostLists(o.contract, o.entries()), ...(o.lost ?? [])]);
  const search = async () => {
    if (lists.size === 0) return;
    const all = o.entries();
    const owned = new Set(all.filter((e) => e.kind === 'made' && e.id).map((e) => `${e.list}\u0000${e.id}`));
    const r = await sweep(
      {
        contract: o.contract,
        transport: o.transport,
        journal: o.journal,
        tag: o.journal.tag,
        before: censusOf(all),
        owned: (list, id) => owned.has(`${list}\u0000${id}`),
      },
      lists,
    );
    out.found += r.found;
    out.incomplete.push(...r.incomplete);
  };
  await search();
  let undone = await undoAll(o.contract, o.transport, o.journal, o.entries());
  out.observations.push(...undone.observations);
  const before = out.found;
  await search();
  if (out.found > before) {
    undone = await undoAll(o.contract, o.transport, o.journal, o.entries());
    out.observations.push(...undone.observations);
  }
  out.left = undone.left;
  out.done = out.left.length === 0 && out.incomplete.length === 0;
  if (out.done && o.final !== false) o.journal.record({ kind: 'done' });
  return out;
}
