// Write faults: each bends the writes of one shape (create, update, delete, attach, send) — the
// status or body it answers, what it does to the store, or what it lets through — and names the
// write rule that must catch it.

import type { JsonSchema } from '../../model/json-schema';
import { processingFields } from '../../model/twilio-conventions';
import { updatedFields, type WriteOperation } from '../../model/writes';
import { negativeBodies, validBody } from '../../schemas/bodies';
import { schemaAt } from '../../schemas/contract';
import { malformed } from '../body';
import { answer, json, type ProviderResponse, twilioError } from '../http';
import { answering, type Fault, type WriteBend } from './fault';
import { action, never } from './fields';

/** An account no test or user has: what a provider answering for someone else would name. */
export const OTHER_ACCOUNT = `AC${'feedface'.repeat(4)}`;

const writeFault = (
  name: string,
  description: string,
  caughtBy: string,
  appliesToWrite: (w: WriteOperation) => boolean,
  bend: { write?: WriteBend; wrap?: Fault['wrap'] },
): Fault => ({ name, description, caughtBy, appliesTo: never, appliesToWrite, ...bend });

/** A wrap that changes a write's success answer. */
const onSuccess = (change: (r: ProviderResponse, w: WriteOperation) => ProviderResponse) =>
  answering((r, route, call) =>
    route === 'write' && r.status < 300 && call.kind === 'write' ? change(r, call.write) : r,
  );

/** Whether any node of a schema carries this keyword. */
export function carries(s: JsonSchema | undefined, keyword: string, depth = 0): boolean {
  if (!s || depth > 12) return false;
  if ((s as Record<string, unknown>)[keyword] !== undefined) return true;
  return [...Object.values(s.properties ?? {}), ...(s.items ? [s.items] : [])].some((c) =>
    carries(c, keyword, depth + 1),
  );
}

/** Every string equal to the provider's account SID, as another account's. */
export const otherAccount = answering((r, _route, call) => {
  const sid = call.store.o.accountSid;
  return sid ? { ...r, body: r.body.split(`"${sid}"`).join(`"${OTHER_ACCOUNT}"`) } : r;
});
/** A field documented as an account SID (one accepts it). */
export const namesAccount = (s: JsonSchema | undefined): boolean =>
  Object.values(s?.properties ?? {}).some((p) => {
    try {
      return typeof p.pattern === 'string' && new RegExp(p.pattern).test(OTHER_ACCOUNT);
    } catch {
      return false;
    }
  });

const answers: readonly Fault[] = [
  writeFault(
    'create-answers-200',
    'a create answers 200 instead of 201',
    'write.status',
    (w) => w.action === 'create' && w.success.includes(201),
    { wrap: onSuccess((r) => ({ ...r, status: 200 })) },
  ),
  writeFault(
    'no-content-answers-200',
    'a delete, attach or detach answers 200 instead of 204',
    'write.status',
    (w) => w.success.includes(204),
    { wrap: onSuccess((r) => ({ ...r, status: 200 })) },
  ),
  writeFault('body-on-204', 'a 204 carries a JSON body', 'write.no-content', (w) => w.success.includes(204), {
    wrap: onSuccess((r) => (r.status === 204 ? { ...json(200, { ok: true }), status: 204 } : r)),
  }),
  writeFault(
    'write-drops-required',
    "a write's success body lacks a field the spec requires",
    'write.schema',
    (w) => (w.response?.required?.length ?? 0) > 0,
    {
      wrap: onSuccess((r, w) => {
        if (!r.body) return r;
        const parsed = JSON.parse(r.body) as Record<string, unknown>;
        const field = w.response?.required?.find((f) => Object.hasOwn(parsed, f));
        if (field) delete parsed[field];
        return { ...r, body: JSON.stringify(parsed) };
      }),
    },
  ),
  writeFault(
    'write-other-account',
    "write answers carry another account's SID in their account fields",
    'write.account',
    (w) => namesAccount(w.response),
    { wrap: otherAccount },
  ),
];

const effects: readonly Fault[] = [
  writeFault(
    'created-not-kept',
    'a create answers success but keeps nothing: not listed, not fetchable',
    'write.create-readable',
    action('create'),
    { write: { noEffect: true } },
  ),
  writeFault(
    'processing-never-ends',
    'a created item stays in its processing state and the lists processing fills stay empty',
    'write.processing-ends',
    (w) => w.action === 'create' && processingFields(w.response ?? {}).length > 0,
    { write: { neverProcessed: true } },
  ),
  writeFault(
    'update-ignored',
    'an update answers success but changes nothing',
    'write.update-applied',
    action('update'),
    {
      write: { noEffect: true },
    },
  ),
  writeFault(
    'update-touches-other',
    'an update also changes a field it was not sent',
    'write.update-applied',
    action('update'),
    { write: { touchesOther: true } },
  ),
  writeFault(
    'update-not-dated',
    'an update applies the values sent but leaves its update timestamp (date_updated) as it was',
    'write.update-applied',
    (w) => w.action === 'update' && updatedFields(w).length > 0,
    { write: { keepsDates: true } },
  ),
  writeFault(
    'delete-leaves-item',
    'a delete answers 204 but the item stays',
    'write.delete-gone',
    action('delete'),
    {
      write: { noEffect: true },
    },
  ),
  writeFault(
    'delete-still-listed',
    'after a delete the fetch answers 404 but the list still shows the item',
    'write.delete-gone',
    action('delete'),
    { write: { staysListed: true } },
  ),
  writeFault(
    'attach-not-reflected',
    'an attach answers 204 but the nested list does not show the item',
    'write.attach-listed',
    action('attach'),
    { write: { noEffect: true } },
  ),
  writeFault(
    'send-makes-nothing',
    'a message answers 200 but creates no session and no messages',
    'write.send-effect',
    action('send'),
    { write: { namesNothing: true } },
  ),
  writeFault(
    'reply-not-stored',
    "a message answers a reply, but the session's messages hold only what was sent",
    'write.send-effect',
    (w) => w.action === 'send' && (w.effect.names ?? []).some((n) => n.children),
    { write: { dropsReply: true } },
  ),
];

const refusals: readonly Fault[] = [
  writeFault(
    'accepts-missing-required',
    'a body without a required field is accepted',
    'write.refuses-invalid',
    (w) => (w.request?.required?.length ?? 0) > 0,
    { write: { accepts: (v) => v.keyword === 'required' } },
  ),
  writeFault(
    'accepts-wrong-type',
    'a field of the wrong type is accepted',
    'write.refuses-invalid',
    // Where a body can carry a wrong type at all (a form sends every value as text: a string field takes any).
    (w) => {
      const valid = validBody(w, { seed: 1 });
      return valid !== undefined && negativeBodies(w, valid).some((n) => /of the wrong type/.test(n.why));
    },
    { write: { accepts: (v) => v.keyword === 'type' } },
  ),
  writeFault(
    'accepts-rule-violation',
    'a body breaking a rule its prose states (a value set, required or allowed only for one type) is accepted',
    'write.refuses-invalid',
    (w) => carries(w.request, 'x-values') || carries(w.request, 'x-rules'),
    { write: { accepts: (v) => v.keyword === 'x-values' || v.keyword === 'x-rules' } },
  ),
  writeFault(
    'accepts-loose-shape',
    'a string is accepted for a loosely typed field that every response documents as an object',
    'write.refuses-invalid',
    (w) => carries(w.request, 'x-typed-by'),
    {
      write: {
        accepts: (v, w) =>
          v.keyword === 'type' && schemaAt(w.request, v.pointer)?.['x-typed-by'] !== undefined,
      },
    },
  ),
  writeFault(
    'delete-unknown-answers-204',
    'a delete of an id that does not exist answers 204 instead of 404',
    'write.unknown-id',
    action('delete'),
    {
      wrap: (h) => (call) => {
        const a = h(call);
        return a.response.status === 404 ? answer({ status: 204, headers: {}, body: '' }, 'write') : a;
      },
    },
  ),
  writeFault(
    'malformed-json-500',
    'a body that is not valid JSON is answered 500 instead of 400',
    'write.malformed-json',
    (w) => w.request !== undefined && w.requestEncoding !== 'form',
    {
      wrap: (h) => (call) =>
        call.kind === 'write' && malformed(call)
          ? answer(twilioError(500, 20500, 'Internal Server Error'), 'write')
          : h(call),
    },
  ),
];

export const WRITE_FAULTS: readonly Fault[] = [...answers, ...effects, ...refusals];
