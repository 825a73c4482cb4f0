// What every write must refuse, sent to items of the run's own: each body its sources refuse (a Twilio
// 400), malformed JSON (a 4xx, never a 5xx), an unknown id (404), no credentials (401). A refused
// create that a provider accepts anyway makes something: each such body still carries the run's tag in
// a field it does not break, so what it made is the run's to remove; one that cannot is not sent.

import type { WriteOperation } from '../../model/writes';
import { negativeBodies, tagFields, validBody } from '../../schemas/bodies';
import { UNKNOWN_ID } from '../plan-state';
import type { WriteSession } from './session';
import { type Needs, supply } from './step';

const refused = (status: number) => ({ statuses: [status], body: 'error' as const });

/** What a write is refused with: a body its sources refuse, malformed JSON, an unknown id, no credentials. */
export const REFUSALS = ['negative', 'malformed', 'unknown-id', 'no-auth'] as const;
export type RefusalScenario = (typeof REFUSALS)[number];

/** The body with the run's tag in a field other than the one it breaks; undefined when none is left. */
function retagged(
  s: WriteSession,
  w: WriteOperation,
  body: unknown,
  broken: string,
): { body: unknown; tagIn?: string } | undefined {
  if (w.action !== 'create') return { body };
  const field = tagFields(w).find((f) => `/${f}` !== broken);
  if (!field) return undefined;
  const max = w.request?.properties?.[field]?.maxLength ?? 64;
  return { body: { ...(body as object), [field]: `${s.tag} ${field}`.slice(0, max) }, tagIn: field };
}

/** Optional objects the refusals' valid body holds too (a tool's policy): their own fields' constraints get refusals of their own. */
export const refusalObjects = (w: WriteOperation): string[] =>
  Object.entries(w.request?.properties ?? {}).flatMap(([f, schema]) => (schema.properties ? [f] : []));

/** Sends every refusal of one write to the run's own items (those `sends` names, when given). */
export async function refuse(
  s: WriteSession,
  w: WriteOperation,
  needs: Needs,
  sends: (scenario: RefusalScenario) => boolean = () => true,
): Promise<void> {
  const objects = refusalObjects(w);
  const valid = validBody(w, {
    seed: s.o.seed + 400,
    tag: s.tag,
    supply: (f, schema) => needs.supplied[f] ?? supply(s, f, schema, needs.values),
    optional: objects,
  });
  const tagIn = tagFields(w)[0];
  const tagged =
    valid === undefined ? {} : { body: valid, ...(tagIn && w.action === 'create' ? { tagIn } : {}) };
  for (const n of valid && sends('negative') ? negativeBodies(w, valid) : []) {
    const t = retagged(s, w, n.body, n.pointer);
    if (t) await s.send(w, needs.values, { scenario: 'negative', expect: refused(400), why: n.why, ...t });
  }
  // Malformed JSON: for a JSON body (a form has no syntax to break).
  if (valid && w.request && w.requestEncoding !== 'form' && sends('malformed')) {
    const raw = `${JSON.stringify(valid).slice(0, -1)},`;
    await s.send(w, needs.values, {
      scenario: 'malformed',
      expect: refused(400),
      raw,
      why: 'malformed JSON',
      ...(tagIn && w.action === 'create' ? { tagIn } : {}),
    });
  }
  const last = w.pathParams.at(-1)?.name;
  if (last && sends('unknown-id'))
    await s.send(
      w,
      { ...needs.values, [last]: UNKNOWN_ID },
      { scenario: 'unknown-id', expect: refused(404), ...tagged },
    );
  if (sends('no-auth'))
    await s.send(w, needs.values, {
      scenario: 'no-auth',
      expect: refused(401),
      authenticate: false,
      ...tagged,
    });
}
