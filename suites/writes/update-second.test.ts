// An update sent in the second its item was last updated would leave Twilio's date_updated (whole
// seconds) where it was, and the run would call a faithful API broken: the run holds such an update
// for the next second. Only a provider that moves the dates a second on itself (the reference
// provider, whose run sets datesMoveOn) is sent it at once, and so is an update whose date nothing
// judges (the lifecycle model's: it reads the item's status after it, never its date).

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { updatedFields } from '../../src/model/writes';
import type { WriteSession } from '../../src/run/writes/session';
import { update } from '../../src/run/writes/update';
import { isoSeconds } from '../../src/schemas/generate';
import { contract } from '../support/provider';

const w = contract.writes.find((x) => x.action === 'update' && x.effect.fetch && updatedFields(x).length);

/** A session whose fetch shows the item updated this very second; when the update was sent. */
function sessionOf(datesMoveOn: boolean) {
  if (!w) throw new Error('no update with a date to move in the contract');
  const sent: number[] = [];
  const s = {
    o: { seed: 1, ...(datesMoveOn ? { datesMoveOn } : {}) },
    tag: 'conformance-test',
    mine: new Map(),
    under: new Map(),
    reads: new Map(contract.operations.map((o) => [o.id, o])),
    read: async () => ({
      url: 'fetch',
      status: 200,
      json: Object.fromEntries(updatedFields(w).map((f) => [f, isoSeconds(Date.now())])),
    }),
    send: async () => {
      sent.push(Date.now());
      return { write: w, evidence: {} };
    },
  };
  return { s: s as unknown as WriteSession, sent };
}

const values = () => Object.fromEntries((w?.pathParams ?? []).map((p) => [p.name, 'xx1']));

describe('an update of an item last updated this very second (a clock the test moves)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    vi.setSystemTime(Date.parse('2026-01-01T12:00:00.300Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('on any provider: held until the next second, then sent', async () => {
    const { s, sent } = sessionOf(false);
    const acted = update.act(s, w as NonNullable<typeof w>, { values: values(), supplied: {} });
    await vi.advanceTimersByTimeAsync(600);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    await acted;
    expect(sent.map((t) => new Date(t).toISOString())).toEqual(['2026-01-01T12:00:01.005Z']);
  });

  it('where the provider moves the dates on itself (datesMoveOn): sent at once', async () => {
    const { s, sent } = sessionOf(true);
    const acted = update.act(s, w as NonNullable<typeof w>, { values: values(), supplied: {} });
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((t) => new Date(t).toISOString())).toEqual(['2026-01-01T12:00:00.300Z']);
    await acted;
  });

  it('an update whose date is not judged (dated: false, the lifecycle model’s): sent at once', async () => {
    const { s, sent } = sessionOf(false);
    const acted = update.act(
      s,
      w as NonNullable<typeof w>,
      { values: values(), supplied: {} },
      { dated: false },
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((t) => new Date(t).toISOString())).toEqual(['2026-01-01T12:00:00.300Z']);
    await acted;
  });
});
