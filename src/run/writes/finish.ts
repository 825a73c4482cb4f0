// The end of anything that wrote — a run, a verification's provider states, a record, a cleanup after a
// crash: sweep for the run's tag where an answer was lost (a cleanup: every list, and nothing removed
// if one shows another account), undo what the journal says the run made (each removal read back),
// then read every list for the tag whatever the answers said, and only then call it done. A sweep
// that could not finish, or anything left, keeps the journal open for `npm run cleanup`.

import type { WriteObservation } from '../../rules/writes/observation';
import type { Contract } from '../../schemas/contract';
import type { HttpTransport } from '../../transport/http';
import { type Journal, type JournalEntry, lostWrites, mayHaveWritten, pendingUndos } from '../journal';
import { censusOf, sweep } from './sweep';
import { type Left, undoAll } from './undo';

export interface Finished {
  /** The removals sent (judged by the write rules). */
  observations: WriteObservation[];
  /** What is still there, and why. */
  left: Left[];
  /** Why the last sweep did not finish (a list not read whole, another account's, items still listed after their removal). */
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

export interface FinishOptions {
  contract: Contract;
  transport: HttpTransport;
  journal: Journal;
  /** Every entry of the run, the journal's file included (a cleanup) or this process's (a run). */
  entries: () => readonly JournalEntry[];
  /** Lists to sweep besides those the entries show were lost. */
  lost?: ReadonlySet<string>;
  /**
   * Whether these are the journal's last entries (every list is then read for the tag after the undo,
   * and done recorded when nothing is left); default true. A finish that is not the last reads only
   * the lists where an answer was lost.
   */
  final?: boolean;
  /**
   * A cleanup, on credentials that may not be the run's: every list is read before anything is
   * removed, and nothing is removed when one shows another account's items than the run's.
   */
  account?: string;
}

/** A sweep for the run's tag, from the journal's entries as they are now (what it finds is counted in `out`). */
async function search(o: FinishOptions, out: Finished, only?: ReadonlySet<string>) {
  // The whole journal's, not only the entries this finish undoes (a pact's teardown undoes one
  // interaction's): what the run made and has not removed; an item removed but still listed is found again.
  const all = [...o.entries(), ...o.journal.entries];
  const open = new Set(pendingUndos(all).map((e) => `${e.list}\u0000${e.id}`));
  const r = await sweep(
    {
      contract: o.contract,
      transport: o.transport,
      journal: o.journal,
      tag: o.journal.tag,
      before: censusOf(all),
      owned: (list, id) => open.has(`${list}\u0000${id}`),
      ...(o.account ? { account: o.account } : {}),
    },
    only,
  );
  out.found += r.found;
  out.incomplete = r.incomplete;
  return r;
}

/** Sweeps, undoes and sweeps again, from the journal's entries; records done only when nothing is left. */
export async function finishWrites(o: FinishOptions): Promise<Finished> {
  const out: Finished = { observations: [], left: [], incomplete: [], found: 0, done: false };
  // A run's own journal (in memory, whole) whose every announced write was never carried out (not
  // sent, its connection never made, or refused with a 4xx): nothing can be left.
  if (!o.account && o.final !== false && !mayHaveWritten(o.entries())) {
    o.journal.record({ kind: 'done' });
    return { ...out, done: true };
  }
  const lists = new Set([...lostLists(o.contract, o.entries()), ...(o.lost ?? [])]);
  if (o.account || lists.size > 0) {
    const first = await search(o, out, o.account ? undefined : lists);
    if (first.otherAccount) {
      out.left = pendingUndos(o.entries()).map((e) => ({ ...e, why: `not removed: ${first.otherAccount}` }));
      return out;
    }
  }
  // Undone, then every list read for the tag whatever the answers said: only that read says nothing
  // of the run is left (a finish that is not the last, final: false, reads only where an answer was
  // lost). What it finds (a lost answer's item, one still listed after its removal) is undone in
  // turn, three rounds at most.
  const rest = o.final === false ? lists : undefined;
  for (let round = 0; ; round++) {
    // A cleanup (a journal read from disk) removes only what still shows the run's tag.
    const undone = await undoAll(
      o.contract,
      o.transport,
      o.journal,
      o.entries(),
      o.account ? o.journal.tag : undefined,
    );
    out.observations.push(...undone.observations);
    out.left = undone.left;
    if (rest?.size === 0) break;
    const after = await search(o, out, rest);
    if (after.found === 0) break;
    if (round === 2) {
      out.incomplete.push(`${after.found} item(s) carrying the run's tag still listed after their removal`);
      break;
    }
  }
  out.done = out.left.length === 0 && out.incomplete.length === 0;
  if (out.done && o.final !== false) o.journal.record({ kind: 'done' });
  return out;
}
