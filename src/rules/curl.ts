// A curl line that replays a request, with the secret left as a shell variable.

import type { ScrubbedRequest } from '../finding';

const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

export function curlFor(request: ScrubbedRequest, authenticated = true): string {
  const auth = authenticated ? ' -u "$TWILIO_ACCOUNT_SID:$TWILIO_AUTH_TOKEN"' : '';
  const body =
    request.body === undefined
      ? ''
      : ` -H 'Content-Type: application/json' --data ${quote(JSON.stringify(request.body))}`;
  return `curl -sS -X ${request.method}${auth}${body} ${quote(request.url)}`;
}
