// A write the verifier sends, through the verification's WriteSession instead of straight to the
// provider: refused (nothing sent, the verification fails saying why) when writes are not allowed,
// when no write of the model is that method and path, when its path or a body field names an item
// this verification did not make, or when a create does not carry the run's tag in its tag field;
// otherwise sent by its action's own module (a create journalled first, adopted and undone) and its
// answer judged against the write's response schema and the session's safety checks.

import { isRecord } from '../json';
import { snakeCase } from '../model/twilio-conventions';
import type { WriteOperation } from '../model/writes';
import type { WriteObservation } from '../rules/writes/observation';
import type { WriteSession } from '../run/writes/session';
import { success } from '../run/writes/step';
import { attach, create } from '../run/writes/steps';
import { tagField } from '../schemas/bodies';
import type { Contract } from '../schemas/contract';
import { decodeForm } from '../schemas/form';
import { type Answer, type Problem, problemAnswer, routeOf, violationLines } from './answers';

export interface WriteRoute {
  contract: Contract;
  /** How writes are sent; without it every write is refused. */
  session?: WriteSession;
}

export interface WriteOutcome {
  /** The write, as `(OperationId)`, or empty when no write of the model matched. */
  label: string;
  problems: Problem[];
  answer: Answer;
}

const said = (line: string): Problem => ({ key: line, line });
const refused = (label: string, why: string): WriteOutcome => ({
  label,
  problems: [said(`refused, not sent: ${why}`)],
  answer: problemAnswer(403, `refused, not sent: ${why}`),
});

/**
 * The body the verifier sent: JSON, or a form (its values as sent, a key sent more than once with
 * every value, which the session sends as that key repeated); undefined when it sent none.
 */
function bodyOf(raw: Buffer, contentType: string | undefined): Record<string, unknown> | undefined | Error {
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  if (/x-www-form-urlencoded/i.test(contentType ?? '')) return decodeForm(text);
  try {
    const value = JSON.parse(text) as unknown;
    return isRecord(value) ? value : new Error('the body is not a JSON object');
  } catch {
    return new Error('the body is not JSON');
  }
}

/** Body fields that name an item, with the list it would be in; `mayBeNew`: a name the run may give a new one (a conversation). */
function namedItems(s: WriteSession, w: WriteOperation, body: Record<string, unknown>) {
  const out: Array<{ field: string; list: string; value: string; mayBeNew: boolean }> = [];
  for (const [field, value] of Object.entries(body)) {
    if (typeof value !== 'string') continue;
    const name = w.effect.names?.find((n) => n.field === field);
    if (name) {
      out.push({ field, list: name.list, value, mayBeNew: true });
      continue;
    }
    for (const read of s.reads.values()) {
      const p = read.pathParams.find((x) => x.from && snakeCase(x.name) === field);
      if (p?.from && w.request?.properties?.[field]) {
        out.push({ field, list: p.from.operation, value, mayBeNew: false });
        break;
      }
    }
  }
  return out;
}

/** Why this write may not be sent, or undefined when it may. */
function whyNot(
  s: WriteSession,
  w: WriteOperation,
  values: Record<string, string>,
  body: Record<string, unknown> | undefined,
) {
  for (const p of w.pathParams) {
    const v = values[p.name];
    if (!s.owns(p.from?.operation, v))
      return `${p.name} ${JSON.stringify(v)} is not an item this verification made`;
  }
  if (w.action === 'create') {
    const field = tagField(w);
    if (!field)
      return `no field of the body can carry the run's tag ${s.tag}: what it made could not be told apart`;
    const value = body?.[field];
    if (typeof value !== 'string' || !value.includes(s.tag))
      return `the body's ${field} ${JSON.stringify(value ?? null)} does not carry the run's tag ${s.tag}`;
  }
  for (const n of namedItems(s, w, body ?? {})) {
    if (s.owns(n.list, n.value)) continue;
    if (n.mayBeNew && n.value.includes(s.tag) && !s.known(n.value)) continue;
    return `${n.field} ${JSON.stringify(n.value)} names an item this verification did not make`;
  }
  return undefined;
}

/** Sends a write by its action's module: a create and an attach journal how what they make is undone. */
function act(
  s: WriteSession,
  w: WriteOperation,
  values: Record<string, string>,
  body: Record<string, unknown> | undefined,
): Promise<WriteObservation> {
  const needs = { values, supplied: {} };
  if (w.action === 'create') return create.act(s, w, needs, body ? { body } : {});
  if (w.action === 'attach') return attach.act(s, w, needs);
  return s.send(w, values, { scenario: 'arrange', expect: success(w), ...(body ? { body } : {}) });
}

export async function sendWrite(
  o: WriteRoute,
  method: string,
  path: string,
  raw: Buffer,
  contentType: string | undefined,
): Promise<WriteOutcome> {
  const route = routeOf(
    o.contract.writes.filter((w) => w.method === method),
    path,
  );
  if (!route) return refused('', `no write of the model is ${method} ${path}`);
  const w = route.op;
  const label = `(${w.id})`;
  const s = o.session;
  if (!s) return refused(label, 'writes are not allowed in this verification (--writes <AccountSid>)');
  const body = bodyOf(raw, contentType);
  if (body instanceof Error) return refused(label, body.message);
  const why = whyNot(s, w, route.values, body);
  if (why) return refused(label, why);
  let obs: WriteObservation;
  try {
    obs = await act(s, w, route.values, body);
  } catch (error) {
    // Writing stopped, or the session refused the path: its own words, without its "not sent: ".
    return refused(label, (error as Error).message.replace(/^not sent: /, ''));
  }
  return { label, ...judgeWrite(o.contract, s, obs) };
}

/** A write's answer, passed back as it came, with what is wrong with it. */
function judgeWrite(contract: Contract, s: WriteSession, obs: WriteObservation): Omit<WriteOutcome, 'label'> {
  const r = obs.exchange.response;
  const problems = (obs.safety ?? []).map((x) => said(`${x.rule}: ${x.message}`));
  if (!r) {
    const why = obs.exchange.error?.message ?? 'no answer';
    return {
      problems: [
        ...problems,
        said(`no answer from the provider (${why}); a sweep for ${s.tag} decides what it made`),
      ],
      answer: problemAnswer(502, why),
    };
  }
  const w = obs.write;
  if (r.status >= 200 && r.status < 300 && obs.json !== undefined) {
    problems.push(...violationLines(contract.validateWrite(w, 'response', obs.json)));
  }
  const type = r.headers['content-type'];
  const headers: Record<string, string> = type ? { 'content-type': type } : {};
  return { problems, answer: { status: r.status, headers, body: Buffer.from(r.body ?? '', 'utf8') } };
}
