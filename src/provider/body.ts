// The body step every write shares: the body decoded by its content type, then checked against
// everything the model says a provider must refuse (the request schema, the values prose lists,
// the rules prose states, the shapes responses document: src/schemas/request-check.ts), before the
// write's handler changes anything. A refusal is a Twilio error naming the field and the rule.

import { requestViolations } from '../schemas/request-check';
import type { AcceptedWrite, WriteCall } from './call';
import { type Answer, badRequest } from './http';

/** Decoders by media type; JSON for any other. Products that send forms get theirs here. */
const DECODERS: Record<string, { name: string; decode(raw: string): unknown }> = {
  'application/json': { name: 'JSON', decode: (raw) => JSON.parse(raw) },
};
const FALLBACK = 'application/json';

/** The body decoded by its content type, or why it could not be. */
export function decodeBody(raw: string, contentType: string): { body: unknown } | { malformed: string } {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const decoder = DECODERS[type] ?? (DECODERS[FALLBACK] as (typeof DECODERS)[string]);
  try {
    return { body: decoder.decode(raw) };
  } catch {
    return { malformed: `Request body is not valid ${decoder.name}` };
  }
}

/** The call with its body decoded and accepted, or the 400 that refuses it. */
export function acceptBody(call: WriteCall): AcceptedWrite | Answer {
  const { write: w, raw } = call;
  if (raw.trim() === '')
    return w.requestRequired ? badRequest('Missing request body') : { ...call, body: {} };
  if (!w.request) return { ...call, body: {} };
  const decoded = decodeBody(raw, call.contentType);
  if ('malformed' in decoded) return badRequest(decoded.malformed);
  const accepts = call.fault?.write?.accepts;
  const [v] = requestViolations(call.store.contract, w, decoded.body).filter((x) => !accepts?.(x, w));
  if (v) return badRequest(`Invalid parameter ${v.message}`);
  return { ...call, body: decoded.body };
}
