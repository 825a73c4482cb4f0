// An item removed while it is attached (the lifecycle model deletes a knowledge source an assistant
// still holds): the reference provider stops listing it under every parent, and the run's undo of
// that attachment sends nothing once a read shows it gone with the item — a DELETE there would
// answer 404 and be judged a failed removal of the run's own (the false alarm seed 1717027752 of
// the write suites produced).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/run/journal';
import { undoAll } from '../../src/run/writes/undo';
import { HttpTransport } from '../../src/transport/http';
import { contract } from '../support/provider';
import { creds, provider } from '../support/writes';

/** A write of the model by action, and the list it acts on (read from the contract, not named). */
function attachment() {
  const attach = contract.writes.find((w) => w.action === 'attach' && w.effect.item);
  const create = (list: string | undefined) =>
    contract.writes.find((w) => w.action === 'create' && w.effect.list === list && w.pathParams.length === 0);
  const remove = (list: string | undefined) =>
    contract.writes.find((w) => w.action === 'delete' && w.effect.list === list);
  const detach = contract.writes.find((w) => w.action === 'detach' && w.effect.list === attach?.effect.list);
  const parentList = attach?.pathParams[0]?.from?.operation;
  if (!attach || !detach) throw new Error('the contract has no attach and detach');
  return { attach, detach, parent: create(parentList), item: create(attach.effect.item), remove };
}

async function made(t: HttpTransport, path: string, body: object): Promise<string> {
  const e = await t.send('POST', path, { body });
  const json = JSON.parse(e.response?.body ?? '{}') as { id?: string };
  if (!json.id) throw new Error(`POST ${path} answered ${e.response?.status}: ${e.response?.body}`);
  return json.id;
}

describe('an attached item the run removed', () => {
  it('is listed under no parent any more, and its attachment is undone without a DELETE', async () => {
    const w = attachment();
    const p = await provider(3);
    const t = new HttpTransport({ target: 'live', baseUrl: p.url, credentials: creds, writes: true });
    const parentBody = { name: 'parent' };
    const itemBody = { name: 'k', type: 'Text' };
    const parent = await made(t, w.parent?.path ?? '', parentBody);
    const item = await made(t, w.item?.path ?? '', itemBody);
    const attachPath = w.attach.path.replace(/\{[^}]+\}/, parent).replace(/\{[^}]+\}$/, item);
    const nestedList = attachPath.slice(0, attachPath.lastIndexOf('/'));
    expect((await t.send('POST', attachPath)).response?.status).toBe(204);
    expect((await t.get(nestedList)).response?.body).toContain(item);

    const removePath = `${w.item?.path}/${item}`;
    expect((await t.send('DELETE', removePath)).response?.status).toBe(204);
    expect((await t.get(nestedList)).response?.body).not.toContain(item);

    const journal = Journal.start(
      mkdtempSync(`${tmpdir()}/removed-with-`),
      'conformance-261202180000-abcdef',
      {
        baseUrl: p.url,
      },
    );
    const undo = { write: w.detach.id, method: 'DELETE', path: attachPath };
    const list = contract.operations.find((op) => op.id === w.attach.effect.list);
    const gone = {
      path: `${nestedList}?PageSize=1000`,
      id: item,
      itemsKey: list?.itemsKey ?? '',
      idField: 'id',
    };
    journal.record({ kind: 'made', write: w.attach.id, path: attachPath, undo, gone });
    const removeWrite = w.remove(w.item?.effect.list);
    journal.record({
      kind: 'undone',
      write: removeWrite?.id ?? '',
      id: item,
      undo: { write: removeWrite?.id ?? '', method: 'DELETE', path: removePath },
    });
    const sent: string[] = [];
    const watched = new Proxy(t, {
      get(target, key, receiver) {
        if (key === 'send')
          return (method: string, path: string, ...rest: unknown[]) => {
            sent.push(`${method} ${path}`);
            return (target.send as (...a: unknown[]) => unknown).call(target, method, path, ...rest);
          };
        return Reflect.get(target, key, receiver);
      },
    });
    const { observations, left } = await undoAll(contract, watched, journal, journal.entries);
    journal.close();
    expect(sent).toEqual([]);
    expect(observations).toEqual([]);
    expect(left).toEqual([]);
    expect(journal.entries.at(-1)).toMatchObject({
      kind: 'undone',
      message: `gone with ${item}, which the run removed`,
    });
  });
});
