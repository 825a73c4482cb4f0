// A curl line that replays a request, with the secret left as a shell variable.

import type { ScrubbedRequest } from '../finding';
import { encodeForm } from '../schemas/form';

/** One shell word: kept bare when it is plain, else single-quoted. */
export const shellWord = (s: string): string =>
  /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

/**
 * The command that replays a conformance run: its own flags (a baseline rewrite left out) with the
 * run's seed, so one line reproduces every finding of a local or generated run.
 */
export function conformanceReplay(args: readonly string[], seed: number): string {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--seed') {
      i++;
      continue;
    }
    if (a.startsWith('--seed=') || a === '--update-baseline') continue;
    kept.push(a);
  }
  return ['npm run conformance --', ...kept, '--seed', String(seed)]
    .map((w, i) => (i === 0 ? w : shellWord(w)))
    .join(' ');
}

export function curlFor(request: ScrubbedRequest, authenticated = true): string {
  const auth = authenticated ? ' -u "$TWILIO_ACCOUNT_SID:$TWILIO_AUTH_TOKEN"' : '';
  const body =
    request.body === undefined
      ? ''
      : request.form
        ? [...new URLSearchParams(encodeForm(request.body))]
            .map(([k, v]) => ` --data-urlencode ${quote(`${k}=${v}`)}`)
            .join('')
        : ` -H 'Content-Type: application/json' --data ${quote(JSON.stringify(request.body))}`;
  return `curl -sS -X ${request.method}${auth}${body} ${quote(request.url)}`;
}
