// Last night's traffic against tonight's (two recordings folders or conformance.json files): what was
// observed, field by field. The sources call every answered field optional, so one night alone cannot
// call an absent field a break; two nights can. A field on every item before and on none now is a
// breaking removal; gone while a field of the same type that no source documents appeared where it
// was, a breaking rename; on every item before and missing from some now, a warning; a type (null
// included) never seen before, or a format every value had and not every value has now, breaking.
// Two faithful nights are quiet: fields present sometimes on either night say nothing.

import { type JsonSchema, schemaTypes } from '../model/json-schema';
import type { DriftOperation, Emit } from './side';

interface Seen {
  present: number;
  at?: number;
}

const objectsOf = (s: JsonSchema | undefined): number =>
  (s?.['x-observed'] as { objects?: number } | undefined)?.objects ?? 0;
const seenOf = (s: JsonSchema | undefined): Seen => (s?.['x-observed'] as Seen | undefined) ?? { present: 0 };
const typesOf = (s: JsonSchema | undefined): string[] =>
  s
    ? schemaTypes(s)
        .filter((t) => t !== 'null')
        .sort()
    : [];

/** Two nights of one operation: its items (or instances), then its list meta. */
export function compareNights(
  a: DriftOperation,
  b: DriftOperation,
  emit: Emit,
  documented?: ReadonlySet<string>,
): void {
  compareObserved('', a.instance, b.instance, emit, documented);
  // The envelope is Twilio's convention: a field it gains is no one's surprise, one it loses is.
  compareObserved('/meta', a.meta, b.meta, emit, new Set(Object.keys(b.meta?.properties ?? {})));
}

function compareObserved(
  prefix: string,
  a: JsonSchema | undefined,
  b: JsonSchema | undefined,
  emit: Emit,
  documented: ReadonlySet<string> | undefined,
): void {
  const before = objectsOf(a);
  const now = objectsOf(b);
  // A night that saw no item (an empty list, an operation not reached) says nothing of its fields.
  if (!a || !b || before === 0 || now === 0) return;
  const pa = a.properties ?? {};
  const pb = b.properties ?? {};
  const gone = Object.keys(pa).filter((f) => !Object.hasOwn(pb, f) && seenOf(pa[f]).present === before);
  const appeared = Object.keys(pb).filter((f) => !Object.hasOwn(pa, f) && !documented?.has(f));
  const renamed = pairRenames(gone, appeared, pa, pb);
  for (const field of gone) {
    const to = renamed.get(field);
    if (to) emit('response', 'observed-field', 'rename', `${prefix}/${field}`, field, to, `now ${to}`);
    else
      emit(
        'response',
        'observed-field',
        'remove',
        `${prefix}/${field}`,
        `on ${before} of ${before}`,
        `on 0 of ${now}`,
      );
  }
  const paired = new Set(renamed.values());
  for (const field of appeared.filter((f) => !paired.has(f)))
    emit(
      'response',
      'field',
      'seen',
      `${prefix}/${field}`,
      undefined,
      `on ${seenOf(pb[field]).present} of ${now}`,
    );
  for (const field of Object.keys(pa).filter((f) => Object.hasOwn(pb, f)))
    compareSeenField(
      `${prefix}/${field}`,
      pa[field] as JsonSchema,
      pb[field] as JsonSchema,
      before,
      now,
      emit,
    );
}

/**
 * Each field gone paired with a field that appeared with the same types, the one nearest to where
 * the gone field was when both places are known; a gone field with no such partner stays unpaired.
 */
function pairRenames(
  gone: readonly string[],
  appeared: readonly string[],
  pa: Record<string, JsonSchema>,
  pb: Record<string, JsonSchema>,
): Map<string, string> {
  const out = new Map<string, string>();
  const free = new Set(appeared);
  for (const field of gone) {
    const types = JSON.stringify(typesOf(pa[field]));
    const at = seenOf(pa[field]).at;
    const candidates = [...free].filter((f) => JSON.stringify(typesOf(pb[f])) === types);
    const distance = (f: string) => {
      const there = seenOf(pb[f]).at;
      return at === undefined || there === undefined ? 0 : Math.abs(there - at);
    };
    const [best] = candidates.sort((x, y) => distance(x) - distance(y));
    if (best !== undefined) {
      out.set(field, best);
      free.delete(best);
    }
  }
  return out;
}

/** A field seen both nights: always before and not always now; a new type; a format lost. */
function compareSeenField(
  where: string,
  a: JsonSchema,
  b: JsonSchema,
  before: number,
  now: number,
  emit: Emit,
): void {
  const was = seenOf(a).present;
  const is = seenOf(b).present;
  if (was === before && is < now)
    emit('response', 'observed-field', 'narrow', where, `on ${was} of ${before}`, `on ${is} of ${now}`);
  const old = schemaTypes(a);
  const added = schemaTypes(b).filter(
    (t) => !old.includes(t) && !(t === 'integer' && old.includes('number')),
  );
  if (added.length)
    emit('response', 'observed-type', 'change', where, old, schemaTypes(b), `now also ${added.join(', ')}`);
  if (a.format !== undefined && b.format !== a.format && schemaTypes(b).includes('string'))
    emit('response', 'observed-format', 'remove', where, a.format, b.format ?? 'not every value');
}
