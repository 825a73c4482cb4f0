// Each fault added for the write rules (#27) and for write safety (#28) bends the reference
// provider the way it says, shown with raw HTTP beside the faithful provider. (That the suite's
// rules catch them is suites/writes/faults.test.ts and the write-safety suites.)

import { describe, expect, it } from 'vitest';
import { fillPath } from '../../src/model/operation';
import { processingFields } from '../../src/model/twilio-conventions';
import { OTHER_ACCOUNT } from '../../src/provider/faults/writes';
import { validBody } from '../../src/schemas/bodies';
import { contract } from '../support/provider';
import { listed, raw, valuesFor, writeWhere } from '../support/raw';
import { creds, provider } from '../support/writes';

const op = (id: string | undefined) => contract.operations.find((o) => o.id === id);
const update = writeWhere(contract, (w) => w.action === 'update' && w.id === 'UpdateAssistant');
const del = writeWhere(contract, (w) => w.action === 'delete');
const create = writeWhere(contract, (w) => w.action === 'create' && op(w.effect.fetch) !== undefined);
const processed = writeWhere(
  contract,
  (w) => w.action === 'create' && processingFields(w.response ?? {}).length > 0,
);
const send = writeWhere(contract, (w) => w.action === 'send');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Both providers, faithful and faulty, the same seed and size. */
const pair = async (fault: string, items = 3) =>
  [await provider(items), await provider(items, contract, fault)] as const;

describe('write faults bend what the rules judge', () => {
  it('update-not-dated: the values are applied, date_updated stays as it was (the faithful one moves it on)', async () => {
    for (const [p, moves] of (await pair('update-not-dated')).map((p, k) => [p, k === 0] as const)) {
      const path = fillPath(update.path, await valuesFor(p.url, contract, update));
      const before = (await raw(p.url, 'GET', path)).json;
      const sent = validBody(update, { seed: 2, tag: 'bent' }) ?? {};
      expect((await raw(p.url, update.method, path, sent)).status).toBe(200);
      const after = (await raw(p.url, 'GET', path)).json;
      for (const [field, value] of Object.entries(sent)) expect(after[field], field).toEqual(value);
      expect(after.date_created).toBe(before.date_created);
      if (moves) expect(Date.parse(after.date_updated)).toBeGreaterThan(Date.parse(before.date_updated));
      else expect(after.date_updated).toBe(before.date_updated);
    }
  });

  it('processing-never-ends: a created item stays processing and its chunks never fill', async () => {
    const [faithful, bent] = await pair('processing-never-ends');
    const fetch = op(processed.effect.fetch);
    const [field, busy, done] = processingFields(processed.response ?? {})[0] as [string, string, string];
    const chunks = contract.operations.find(
      (o) =>
        o.kind === 'list' &&
        o.pathParams.some((p) => p.from?.operation === processed.effect.list) &&
        !contract.writes.some((w) => w.effect.list === o.id),
    );
    const states: Record<string, unknown[]> = {};
    for (const [name, p] of [
      ['faithful', faithful],
      ['bent', bent],
    ] as const) {
      const made = await raw(p.url, 'POST', processed.path, validBody(processed, { seed: 4, tag: name }));
      expect(made.status).toBe(201);
      const values = { [fetch?.pathParams.at(-1)?.name ?? 'id']: String(made.json.id) };
      await sleep(150);
      const item = (await raw(p.url, 'GET', fillPath(fetch?.path ?? '', values))).json;
      const filled = chunks ? (await listed(p.url, chunks, values)).length : 0;
      states[name] = [made.json[field], item[field], filled > 0];
    }
    expect(states).toEqual({ faithful: [busy, done, true], bent: [busy, busy, false] });
  });

  it("reply-not-stored: the send answers a reply, but the session's messages hold only what was sent", async () => {
    const counts: number[][] = [];
    for (const p of await pair('reply-not-stored')) {
      const path = fillPath(send.path, await valuesFor(p.url, contract, send));
      const r = await raw(p.url, 'POST', path, { identity: 'someone', body: 'hello there' });
      expect(r.status).toBe(200);
      const [name] = send.effect.names ?? [];
      const messages = await listed(p.url, op(name?.children) as never, {
        sessionId: String(r.json[name?.field ?? '']),
      });
      const holdsReply = messages.some((m) => JSON.stringify(m).includes(JSON.stringify(r.json.body)));
      const holdsSent = messages.some((m) => JSON.stringify(m).includes('hello there'));
      counts.push([messages.length, Number(holdsSent), Number(holdsReply)]);
    }
    expect(counts).toEqual([
      [2, 1, 1],
      [1, 1, 0],
    ]);
  });

  it('delete-unknown-answers-204: a delete of an id that does not exist answers 204 (the faithful one 404)', async () => {
    const statuses = [];
    for (const p of await pair('delete-unknown-answers-204'))
      statuses.push(
        (await raw(p.url, 'DELETE', fillPath(del.path, { [del.pathParams[0]?.name ?? 'id']: 'nope_0' })))
          .status,
      );
    expect(statuses).toEqual([404, 204]);
  });

  it('malformed-json-500: a body that is not JSON answers 500 (the faithful one 400)', async () => {
    const statuses = [];
    for (const p of await pair('malformed-json-500'))
      statuses.push((await raw(p.url, 'POST', create.path, '{"name": ')).status);
    expect(statuses).toEqual([400, 500]);
  });

  it("write-other-account: write answers name another account; the reads still name the credentials' one", async () => {
    const [, p] = await pair('write-other-account');
    const made = await raw(p.url, 'POST', create.path, validBody(create, { seed: 1, tag: 'other' }));
    expect(made.status).toBe(201);
    expect(made.json.account_sid).toBe(OTHER_ACCOUNT);
    const fetch = op(create.effect.fetch);
    const read = await raw(
      p.url,
      'GET',
      fillPath(fetch?.path ?? '', { [fetch?.pathParams[0]?.name ?? 'id']: made.json.id }),
    );
    expect(read.json.account_sid).toBe(creds.username);
  });

  it('delete-still-listed: after the delete the fetch answers 404, but the list still shows the item', async () => {
    const shown = [];
    for (const p of await pair('delete-still-listed')) {
      const values = await valuesFor(p.url, contract, del);
      const path = fillPath(del.path, values);
      expect((await raw(p.url, 'DELETE', path)).status).toBe(204);
      expect((await raw(p.url, 'GET', path)).status).toBe(404);
      const id = Object.values(values)[0];
      shown.push((await listed(p.url, op(del.effect.list) as never)).some((it) => it.id === id));
    }
    expect(shown).toEqual([false, true]);
  });

  it('accepts-rule-violation and accepts-loose-shape: what prose or the responses rule out is accepted', async () => {
    const knowledge = writeWhere(contract, (w) => w.id === 'CreateKnowledge');
    const tool = writeWhere(contract, (w) => w.id === 'CreateTool');
    const ruled = { name: 'n', type: 'Database' };
    const loose = { name: 'n', type: 'WEBHOOK', enabled: true, policy: { policy_details: 'a string' } };
    const statuses = [];
    for (const fault of ['accepts-rule-violation', 'accepts-loose-shape'])
      for (const p of await pair(fault))
        statuses.push([
          fault,
          (await raw(p.url, 'POST', knowledge.path, ruled)).status,
          (await raw(p.url, 'POST', tool.path, loose)).status,
        ]);
    expect(statuses).toEqual([
      ['accepts-rule-violation', 400, 400],
      ['accepts-rule-violation', 201, 400],
      ['accepts-loose-shape', 400, 400],
      ['accepts-loose-shape', 400, 201],
    ]);
  });
});

describe('hostile answers bend what write safety must survive', () => {
  const list = op(create.effect.list);
  const fetchOf = (id: unknown) => {
    const fetch = op(create.effect.fetch);
    return fillPath(fetch?.path ?? '', { [fetch?.pathParams[0]?.name ?? 'id']: String(id) });
  };
  const ids = async (url: string) =>
    (await listed(url, list as never)).map((it) => it[list?.idField ?? 'id']);
  const tagged = (tag: string) => validBody(create, { seed: 9, tag });

  it('create-adopts-existing: answers an existing id echoing what was sent, and changes nothing', async () => {
    const p = await provider(3, contract, 'create-adopts-existing');
    const before = await ids(p.url);
    const existing = (await raw(p.url, 'GET', fetchOf(before[0]))).json;
    const r = await raw(p.url, 'POST', create.path, tagged('hostile-adopt'));
    expect(r.status).toBe(201);
    expect(r.json.id).toBe(before[0]);
    expect(JSON.stringify(r.json)).toContain('hostile-adopt');
    expect(await ids(p.url)).toEqual(before);
    expect((await raw(p.url, 'GET', fetchOf(before[0]))).json).toEqual(existing);
    // On an empty list the first create is real; the next adopts it.
    const empty = await provider(0, contract, 'create-adopts-existing');
    const first = await raw(empty.url, 'POST', create.path, tagged('first'));
    const second = await raw(empty.url, 'POST', create.path, tagged('second'));
    expect([first.status, second.status, second.json.id, (await ids(empty.url)).length]).toEqual([
      201,
      201,
      first.json.id,
      1,
    ]);
  });

  it('create-answer-lost: the item is made, then the connection is reset before any answer', async () => {
    const p = await provider(3, contract, 'create-answer-lost');
    const before = await ids(p.url);
    await expect(raw(p.url, 'POST', create.path, tagged('hostile-lost'))).rejects.toThrow();
    const after = await listed(p.url, list as never);
    expect(after).toHaveLength(before.length + 1);
    expect(JSON.stringify(after.at(-1))).toContain('hostile-lost');
  });

  it('create-429-after-made and create-500-after-made: the item is made, the answer says it was not', async () => {
    for (const [fault, status] of [
      ['create-429-after-made', 429],
      ['create-500-after-made', 500],
    ] as const) {
      const p = await provider(3, contract, fault);
      const before = await ids(p.url);
      const r = await raw(p.url, 'POST', create.path, tagged(fault));
      expect([r.status, r.json.status, r.json.code > 0]).toEqual([status, status, true]);
      if (status === 429) expect(r.headers.get('retry-after')).toBe('0');
      const after = await listed(p.url, list as never);
      expect(after).toHaveLength(before.length + 1);
      expect(JSON.stringify(after.at(-1))).toContain(fault);
    }
  });

  it('delete-404-keeps: a delete answers 404 and the item stays, fetched and listed', async () => {
    const p = await provider(3, contract, 'delete-404-keeps');
    const values = await valuesFor(p.url, contract, del);
    const path = fillPath(del.path, values);
    expect((await raw(p.url, 'DELETE', path)).status).toBe(404);
    expect((await raw(p.url, 'GET', path)).status).toBe(200);
    expect((await listed(p.url, op(del.effect.list) as never)).map((it) => it.id)).toContain(
      Object.values(values)[0],
    );
  });

  it('list-500-intermittent: every other list page answers 500', async () => {
    const p = await provider(3, contract, 'list-500-intermittent');
    const statuses = [];
    for (let k = 0; k < 4; k++) statuses.push((await raw(p.url, 'GET', list?.path ?? '')).status);
    expect(statuses).toEqual([200, 500, 200, 500]);
    expect((await raw(p.url, 'GET', fetchOf((await ids(p.url))[0]))).status).toBe(200);
  });

  it('list-truncated: a page says there is no next page while more items exist', async () => {
    const links = [];
    for (const p of await pair('list-truncated', 30)) {
      const page = (await raw(p.url, 'GET', `${list?.path}?PageSize=10`)).json;
      links.push([page[list?.itemsKey ?? ''].length, page.meta.next_page_url === null]);
    }
    expect(links).toEqual([
      [10, false],
      [10, true],
    ]);
  });

  it("other-account-echo: reads and writes name another account, never the credentials' one", async () => {
    const p = await provider(3, contract, 'other-account-echo');
    const answers = [
      await raw(p.url, 'GET', list?.path ?? ''),
      await raw(p.url, 'GET', fetchOf((await ids(p.url))[0])),
      await raw(p.url, 'POST', create.path, tagged('echo')),
    ];
    for (const a of answers) {
      expect(a.text).toContain(OTHER_ACCOUNT);
      expect(a.text).not.toContain(creds.username);
    }
  });
});
