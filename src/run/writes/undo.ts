// Undoing what a run made, from its journal, newest first (a detach before the delete of what it
// detached): each removal is sent, then read back — it is done only when a read shows it gone (the
// fetch answers 404, the nested list no longer shows it). A removal answered 204 (or 404) while the
// item is still there is left, and says so. What is undone is journalled as it happens.

import type { WriteObservation } from '../../rules/writes/observation';
import type { Contract } from '../../schemas/contract';
import type { HttpTransport } from '../../transport/http';
import { type Journal, type JournalEntry, pendingUndos } from '../journal';
import { listShows } from './session';

export interface Left extends JournalEntry {
  /** Why it is still there. */
  why: string;
}

/** Whether what an entry made is gone, as a read shows it; undefined when the read could not tell. */
async function provenGone(
  transport: HttpTransport,
  gone: NonNullable<JournalEntry['gone']>,
  evidence: WriteObservation['evidence'],
) {
  if (gone.id !== undefined) {
    const l = await listShows(
      transport,
      gone.path,
      {
        itemsKey: gone.itemsKey ?? '',
        idField: gone.idField ?? 'id',
        ...(gone.envelope ? { envelope: gone.envelope } : {}),
      },
      gone.id,
    );
    evidence.listed = l;
    return l.shown ? false : l.complete ? true : undefined;
  }
  const e = await transport.get(gone.path);
  const status = e.response?.status;
  evidence.fetched = { url: e.request.url, ...(status !== undefined ? { status } : {}) };
  return status === 404 ? true : status === 200 ? false : undefined;
}

/**
 * A cleanup's read before it removes an item a journal on disk names: the item must still show the
 * run's tag (a journal is a file: copied, edited or damaged, it could name anyone's item). Undefined
 * when it may be removed (it shows the tag, or it is already gone).
 */
async function notShowingTag(
  transport: HttpTransport,
  e: JournalEntry,
  tag: string,
): Promise<string | undefined> {
  if (!e.gone || e.gone.id !== undefined) return undefined;
  const r = await transport.get(e.gone.path);
  const status = r.response?.status;
  if (status === 404) return undefined;
  if (status === 200 && (r.response?.body ?? '').includes(tag)) return undefined;
  return status === 200
    ? `${e.gone.path} does not show the run's tag ${tag}: not removed, it may not be the run's`
    : `${e.gone.path} answered ${status ?? r.error?.message}: not removed, it could not be read to show the run's tag`;
}

/**
 * The id of an item the run already removed that a removal's path names (an attachment of a deleted
 * knowledge source, a child of a deleted parent): that removal may have happened with it.
 */
function namesRemoved(e: JournalEntry, removed: ReadonlySet<string>): string | undefined {
  return e.undo?.path.split('/').find((segment) => segment !== e.id && removed.has(segment));
}

/**
 * Sends each pending removal and reads it back; returns the removals (for the write rules) and what
 * is left. `tag`: a cleanup from a journal on disk removes only items that still show it.
 */
export async function undoAll(
  contract: Contract,
  transport: HttpTransport,
  journal: Journal,
  entries: readonly JournalEntry[],
  tag?: string,
): Promise<{ observations: WriteObservation[]; left: Left[] }> {
  const writes = new Map(contract.writes.map((w) => [w.id, w]));
  const observations: WriteObservation[] = [];
  const left: Left[] = [];
  const removed = new Set(entries.flatMap((x) => (x.kind === 'undone' && x.id ? [x.id] : [])));
  for (const e of pendingUndos(entries)) {
    const w = writes.get(e.undo?.write ?? '');
    if (!w || !e.undo) {
      left.push({ ...e, why: `no write ${e.undo?.write} in the model removes it` });
      continue;
    }
    const foreign = tag === undefined ? undefined : await notShowingTag(transport, e, tag);
    if (foreign) {
      left.push({ ...e, why: foreign });
      continue;
    }
    // Gone with an item the run removed (as a read shows): nothing to send.
    const with_ = namesRemoved(e, removed);
    if (with_ && e.gone && (await provenGone(transport, e.gone, {}))) {
      journal.record({
        kind: 'undone',
        write: w.id,
        undo: e.undo,
        ...(e.id ? { id: e.id } : {}),
        message: `gone with ${with_}, which the run removed`,
      });
      continue;
    }
    const exchange = await transport.send(e.undo.method, e.undo.path);
    const status = exchange.response?.status;
    const obs: WriteObservation = {
      scenario: 'undo',
      write: w,
      exchange,
      expect: { statuses: w.success, body: 'success' },
      evidence: {},
    };
    observations.push(obs);
    const answered = status !== undefined && (w.success.includes(status) || status === 404);
    const gone = answered && (e.gone ? await provenGone(transport, e.gone, obs.evidence) : true);
    if (gone) {
      if (e.id) removed.add(e.id);
      journal.record({
        kind: 'undone',
        write: w.id,
        undo: e.undo,
        ...(e.id ? { id: e.id } : {}),
        ...(e.gone ? {} : { message: 'no read can prove it gone' }),
      });
      continue;
    }
    const why = !answered
      ? `${e.undo.method} ${e.undo.path} answered ${status ?? exchange.error?.message}`
      : gone === false
        ? `${e.undo.method} answered ${status} but ${e.gone?.path} still shows it`
        : `${e.undo.method} answered ${status} but ${e.gone?.path} could not be read to prove it gone`;
    left.push({ ...e, why });
  }
  return { observations, left };
}
