// Hostile answers: ways a provider can answer a write, or the reads that check it, that must never
// make the suite touch what it did not create or leave behind what it made (issue #28's write
// safety). Each names the rule that must report it; what is left behind or a sweep that could not
// finish is write.cleanup's.

import type { WriteOperation } from '../../model/writes';
import { acceptBody } from '../body';
import type { AcceptedWrite, Call, Handler } from '../call';
import { fetched } from '../handlers/fetch';
import { fromRequest, success } from '../handlers/made';
import { type Answer, answer, json, notFound, twilioError } from '../http';
import type { Fault } from './fault';
import { action, isList } from './fields';
import { namesAccount, otherAccount } from './writes';

/** A wrap for the writes of one action; other calls pass through. */
const onAction =
  (act: WriteOperation['action'], wrap: (h: Handler, call: Call & { kind: 'write' }) => Answer) =>
  (h: Handler): Handler =>
  (call) =>
    call.kind === 'write' && call.write.action === act ? wrap(h, call) : h(call);

/** The create carried out, then answered with `then` instead of its success. */
const afterMade = (then: (a: Answer) => Answer) =>
  onAction('create', (h, call) => {
    const a = h(call);
    return a.response.status < 300 ? then(a) : a;
  });

/** An item the list showed before this create, answered as if the create made it: its id, what was sent. */
function adopt(call: AcceptedWrite): Answer | undefined {
  const { store, write: w, values } = call;
  const list = store.op(w.effect.list);
  if (!list || store.shown(list, values) === 0) return undefined;
  const existing = store.at(list, values, 0);
  const id = list.idField ? existing[list.idField] : undefined;
  const fetch = store.op(w.effect.fetch);
  const last = fetch?.pathParams.at(-1)?.name;
  const shown =
    fetch && last && typeof id === 'string'
      ? (JSON.parse(fetched(call, fetch, { ...values, [last]: id }).response.body) as Record<string, unknown>)
      : existing;
  return answer(json(success(w), { ...shown, ...fromRequest(store.instanceOf(list), call.body) }), 'write');
}

const hostileWrites: readonly Fault[] = [
  {
    name: 'create-adopts-existing',
    description:
      'a create answers with the id of an item that existed before (echoing what was sent) and changes nothing',
    caughtBy: 'write.create-new',
    appliesTo: () => false,
    appliesToWrite: action('create'),
    wrap: onAction('create', (h, call) => {
      const accepted = acceptBody(call);
      if ('response' in accepted) return accepted;
      return adopt(accepted) ?? h(call);
    }),
  },
  {
    name: 'create-answer-lost',
    description: 'a create is carried out, then the connection is reset before any answer',
    caughtBy: 'write.cleanup',
    appliesTo: () => false,
    appliesToWrite: action('create'),
    wrap: afterMade((a) => ({ ...a, takeover: (res) => res.socket?.resetAndDestroy() })),
  },
  {
    name: 'create-429-after-made',
    description: 'a create is carried out but answered 429 with Retry-After: 0',
    caughtBy: 'write.cleanup',
    appliesTo: () => false,
    appliesToWrite: action('create'),
    wrap: afterMade(() => {
      const r = twilioError(429, 20429, 'Too Many Requests');
      return answer({ ...r, headers: { ...r.headers, 'retry-after': '0' } }, 'write');
    }),
  },
  {
    name: 'create-500-after-made',
    description: 'a create is carried out but answered 500',
    caughtBy: 'write.cleanup',
    appliesTo: () => false,
    appliesToWrite: action('create'),
    wrap: afterMade(() => answer(twilioError(500, 20500, 'Internal Server Error'), 'write')),
  },
  {
    name: 'delete-404-keeps',
    description: 'a delete answers 404 while the item stays',
    caughtBy: 'write.cleanup',
    appliesTo: () => false,
    appliesToWrite: action('delete'),
    wrap: onAction('delete', (_h, call) => notFound(call.url.pathname)),
  },
];

const hostileReads: readonly Fault[] = [
  {
    name: 'list-500-intermittent',
    description: 'every other list page answers 500',
    caughtBy: 'write.cleanup',
    appliesTo: isList,
    wrap: (h, memory) => (call) => {
      const a = h(call);
      if (a.route !== 'list' || a.response.status !== 200 || ++memory.calls % 2 !== 0) return a;
      return answer(twilioError(500, 20500, 'Internal Server Error'), 'list');
    },
  },
  {
    name: 'list-truncated',
    description: 'a list page claims no next page while more items exist',
    caughtBy: 'write.cleanup',
    appliesTo: isList,
    pages: { window: (w) => ({ ...w, next: null }) },
  },
  {
    name: 'other-account-echo',
    description: 'answers, reads and writes alike, carry the SID of another account',
    caughtBy: 'write.account',
    appliesTo: (_op, instance) => namesAccount(instance),
    appliesToWrite: (w) => namesAccount(w.response),
    wrap: otherAccount,
  },
];

export const HOSTILE: readonly Fault[] = [...hostileWrites, ...hostileReads];
