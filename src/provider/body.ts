// The body step every write shares: the body decoded by its content type (a form typed by the
// request schema, else JSON: src/schemas/form.ts), then checked against everything the model says
// a provider must refuse (the request schema, the values prose lists, the rules prose states, the
// shapes responses document: src/schemas/request-check.ts), before the write's handler changes
// anything. A refusal is a Twilio error naming the field and the rule.

import { decodeBody } from '../schemas/form';
import { requestViolations } from '../schemas/request-check';
import type { AcceptedWrite, WriteCall } from './call';
import { type Answer, badRequest } from './http';

/** Whether the call's body cannot be decoded (JSON that does not parse). */
export const malformed = (call: WriteCall): boolean =>
  call.raw.trim() !== '' && !decodeBody(call.raw, call.contentType, call.write.request).ok;

/** The call with its body decoded and accepted, or the 400 that refuses it. */
export function acceptBody(call: WriteCall): AcceptedWrite | Answer {
  const { write: w, raw } = call;
  if (raw.trim() === '' && w.requestRequired) return badRequest('Missing request body');
  if (!w.request) return { ...call, body: {} };
  // An empty body is an empty form: what it requires is still missing.
  const decoded =
    raw.trim() === '' ? { ok: true as const, value: {} } : decodeBody(raw, call.contentType, w.request);
  if (!decoded.ok) return badRequest('Request body is not valid JSON');
  const accepts = call.fault?.write?.accepts;
  const [v] = requestViolations(call.store.contract, w, decoded.value).filter((x) => !accepts?.(x, w));
  if (v) return badRequest(`Invalid parameter ${v.message}`);
  return { ...call, body: decoded.value };
}
