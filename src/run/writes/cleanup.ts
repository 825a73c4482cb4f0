// Cleaning up after one journal whose run did not finish: refused unless its run wrote to this account
// and host with a tag of a run's own shape; then held (a live run keeps its journal), swept (nothing
// removed when the lists show another account's items), undone, read back, swept again. Lines it
// cannot read are skipped and named. One journal's trouble never stops the others'.

import type { Contract } from '../../schemas/contract';
import type { HttpTransport } from '../../transport/http';
import { type FoundJournal, Journal, TAG_SHAPE } from '../journal';
import { finishWrites } from './finish';

export interface CleanupResult {
  outcome: 'done' | 'failed' | 'refused' | 'skipped';
  line: string;
  details: string[];
}

const sameHost = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/** Why a journal may not be cleaned up here, or undefined when it may. */
function refusal(
  j: Required<Pick<FoundJournal, 'entries'>>,
  account: string,
  baseUrl: string,
): string | undefined {
  const run = j.entries.find((e) => e.kind === 'run');
  const tag = j.entries[0]?.tag ?? '';
  if (!run) return 'it records no run (account, host): written by an older version, or not a run journal';
  if (!TAG_SHAPE.test(tag) || j.entries.some((e) => e.tag !== tag))
    return `its tag ${JSON.stringify(tag)} is not a run's own`;
  if (!run.account) return 'it records no account';
  if (run.account !== account) return `that run wrote to account ${run.account}, not ${account}`;
  if (!run.baseUrl || !sameHost(run.baseUrl, baseUrl))
    return `that run wrote to ${run.baseUrl}, not ${baseUrl}`;
  return undefined;
}

export async function cleanUpJournal(
  j: FoundJournal,
  o: { contract: Contract; transport: HttpTransport; account: string; baseUrl: string },
): Promise<CleanupResult> {
  if (j.skipped !== undefined || !j.entries)
    return {
      outcome: /held by/.test(j.skipped ?? '') ? 'skipped' : 'failed',
      line: `${j.file}: left alone: ${j.skipped}`,
      details: [],
    };
  const entries = j.entries;
  const why = refusal({ entries }, o.account, o.baseUrl);
  if (why)
    return { outcome: 'refused', line: `${j.file}: refused: ${why}; nothing was sent for it`, details: [] };
  const tag = entries[0]?.tag as string;
  let journal: Journal | undefined;
  try {
    journal = Journal.resume(j.file, tag);
  } catch (error) {
    return { outcome: 'failed', line: `${j.file}: left alone: ${(error as Error).message}`, details: [] };
  }
  if (!journal)
    return { outcome: 'skipped', line: `${j.file}: left alone: its run is still going`, details: [] };
  try {
    const r = await finishWrites({
      contract: o.contract,
      transport: o.transport,
      journal,
      entries: () => [...entries, ...journal.entries],
      account: o.account,
    });
    const removed = r.observations.filter((x) => (x.exchange.response?.status ?? 500) < 300).length;
    const details = [
      ...(j.damaged ?? []).map((d) => `skipped ${d}; every list was read for the tag instead`),
      ...r.left.map((e) => `left: ${e.list ?? e.write} ${e.id ?? ''}: ${e.why}`),
      ...r.incomplete.map((i) => `a sweep for ${tag} did not finish: ${i}`),
    ];
    return {
      outcome: r.done ? 'done' : 'failed',
      line: `${tag}: removed ${removed} item(s) and attachment(s)${r.found ? ` (${r.found} found by the tag)` : ''}${r.done ? '' : ': NOT done'}`,
      details,
    };
  } finally {
    journal.close();
  }
}
