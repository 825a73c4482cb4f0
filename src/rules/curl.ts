// A curl line that replays a request, with the secret left as a shell variable.

import type { ScrubbedRequest } from '../finding';

export function curlFor(request: ScrubbedRequest, authenticated = true): string {
  const auth = authenticated ? ' -u "$TWILIO_ACCOUNT_SID:$TWILIO_AUTH_TOKEN"' : '';
  return `curl -sS -X ${request.method}${auth} '${request.url.replaceAll("'", "'\\''")}'`;
}
