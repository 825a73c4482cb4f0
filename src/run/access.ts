// Whether a live run reached the API as the credentials' account at all. Three ways it did not,
// each judging nothing, each one line (and exit 2) instead of a finding per request: every answer to
// a request with the credentials refused it (401/403); the answers carry another account's SID and
// never the credentials' (an API key of another account than TWILIO_ACCOUNT_SID) — unless the run
// wrote there, which write.account reports with what was undone; the server at an https:// base URL
// does not speak TLS (a plain-HTTP port).

import type { Observation } from '../rules/rule';
import { TLS_MISMATCH } from '../transport/http';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Twilio's error body, when an answer has one: "20003 Authenticate". */
function twilioError(o: Observation | undefined): string | undefined {
  const j = o?.json;
  if (!isRecord(j) || (j.code === undefined && j.message === undefined)) return undefined;
  return [j.code, j.message].filter((x) => x !== undefined).join(' ');
}

/** The account SIDs an answer carries: its own, and its items' (one level down, a list's page). */
function accountsIn(json: unknown): string[] {
  if (!isRecord(json)) return [];
  const items = Object.values(json).flatMap((v) => (Array.isArray(v) ? v.filter(isRecord) : []));
  return [json, ...items].flatMap((x) => (typeof x.account_sid === 'string' ? [x.account_sid] : []));
}

function refused(answered: readonly Observation[], who: string): string | undefined {
  if (answered.length === 0 || !answered.every((o) => [401, 403].includes(o.exchange.response?.status ?? 0)))
    return undefined;
  const statuses = [...new Set(answered.map((o) => o.exchange.response?.status))].join(' or ');
  const said = twilioError(answered[0]);
  return `the credentials were refused: every request with them answered ${statuses}${said ? ` (${said})` : ''}; check ${who}; nothing was judged`;
}

function otherAccount(answered: readonly Observation[], accountSid: string): string | undefined {
  const seen = new Set(
    answered
      .filter((o) => (o.exchange.response?.status ?? 0) < 300)
      .flatMap((o) => accountsIn(o.json))
      .filter((sid) => /^AC[0-9a-fA-F]{32}$/.test(sid)),
  );
  if (seen.size === 0 || seen.has(accountSid)) return undefined;
  return `the answers are another account's: TWILIO_ACCOUNT_SID is ${accountSid}, the answers carry ${[...seen].slice(0, 2).join(', ')}; the credentials (an API key?) belong to another account; nothing was judged`;
}

/**
 * The one line that says a live run reached nothing it could judge, or undefined. `who` names the
 * credentials' variables; bodies must still be held (call it before they are released).
 */
export function accessProblem(
  observations: readonly Observation[],
  /** accountOfWrites: the run's writes were judged for their account (write.account said it, with what was undone). */
  o: { accountSid: string; who: string; accountOfWrites?: boolean },
): string | undefined {
  const errors = observations.flatMap((x) => (x.exchange.error ? [x.exchange.error] : []));
  const tls = errors.find((e) => e.code && TLS_MISMATCH.has(e.code));
  if (tls && observations.every((x) => !x.exchange.response))
    return `${tls.message}: use its http:// URL, or the port that serves TLS; nothing was judged`;
  const answered = observations.filter((x) => x.exchange.request.authenticated && x.exchange.response);
  return refused(answered, o.who) ?? (o.accountOfWrites ? undefined : otherAccount(answered, o.accountSid));
}
