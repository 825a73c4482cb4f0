// One redactor for every writer: reports, schemas, recordings, baselines and the command's own
// stdout/stderr. It knows the secrets this process holds (auth token, API secret) and the forms
// they travel in (the Basic header's base64 of user:secret, the secret's own base64, hex and
// URL-encoding), and replaces each wherever it appears, whatever a provider echoed back.

const REDACTED = '[REDACTED]';
const forms: string[] = [];
/** Every run of FRAGMENT characters of every form of a secret: what a cut (…) can leave of it. */
const FRAGMENT = 8;
const fragments = new Set<string>();
/** The characters (UTF-16 code units) fragments are made of: a window holding any other is none. */
const fragmentChars = new Set<number>();

/**
 * The forms a secret can be written in once it has been on the wire: hex too, as Pact's native core
 * logs a body it does not print as text (its first 32 bytes, at --log-level debug).
 */
function formsOf(secret: string, users: readonly string[]): string[] {
  const hex = Buffer.from(secret).toString('hex');
  const out = [
    secret,
    encodeURIComponent(secret),
    Buffer.from(secret).toString('base64'),
    hex,
    hex.toUpperCase(),
  ];
  for (const user of users) {
    const basic = Buffer.from(`${user}:${secret}`).toString('base64');
    out.push(basic, basic.replace(/=+$/, ''), encodeURIComponent(basic));
  }
  return out;
}

/** Registers the secrets of an environment (TWILIO_AUTH_TOKEN, TWILIO_API_SECRET, the Pact Broker's) and their users. */
export function registerSecrets(env: NodeJS.ProcessEnv = process.env): void {
  const users = [env.TWILIO_ACCOUNT_SID, env.TWILIO_API_KEY].filter((u): u is string => Boolean(u));
  for (const secret of [env.TWILIO_AUTH_TOKEN, env.TWILIO_API_SECRET]) {
    if (typeof secret === 'string' && secret.length >= 4) addSecret(secret, users);
  }
  // The Pact Broker's credentials travel in headers only, but are secrets all the same.
  const brokerUsers = [env.PACT_BROKER_USERNAME].filter((u): u is string => Boolean(u));
  for (const secret of [env.PACT_BROKER_TOKEN, env.PACT_BROKER_PASSWORD]) {
    if (typeof secret === 'string' && secret.length >= 4) addSecret(secret, brokerUsers);
  }
}

export function addSecret(secret: string, users: readonly string[] = []): void {
  for (const f of formsOf(secret, users)) {
    if (f.length >= 4 && !forms.includes(f)) forms.push(f);
    // A random token (hex or base64, not words) is redacted in parts too: a cut leaves parts of it.
    if (randomToken(secret))
      for (let i = 0; i + FRAGMENT <= f.length; i++) {
        fragments.add(f.slice(i, i + FRAGMENT));
        for (let k = i; k < i + FRAGMENT; k++) fragmentChars.add(f.charCodeAt(k));
      }
  }
  // Longest first, so a Basic value is replaced whole before any part of it.
  forms.sort((a, b) => b.length - a.length);
}

/** A secret made to be random (Twilio's 32-hex tokens, API secrets): no run of 8 letters that could be a word. */
const randomToken = (secret: string): boolean =>
  /^[A-Za-z0-9+/=_-]{16,}$/.test(secret) &&
  (secret.match(/\d/g)?.length ?? 0) >= 4 &&
  !/[A-Za-z]{8}/.test(secret);

export function redact(text: string): string {
  let out = text;
  for (const f of forms) if (out.includes(f)) out = out.split(f).join(REDACTED);
  return fragments.size ? redactFragments(out) : out;
}

/**
 * Any FRAGMENT or more consecutive characters of a secret's form, wherever a cut left them (a body
 * shortened to 120 characters, an error message quoting 10): one pass over the text, runs merged.
 */
function redactFragments(text: string): string {
  let out = '';
  let from = 0;
  let i = 0;
  while (i + FRAGMENT <= text.length) {
    // A window holding a character no fragment has is none, nor is any window that holds it: the
    // next one that may be starts after it (most of a report's windows hold a space or a quote).
    const foreign = lastForeign(text, i);
    if (foreign >= 0) {
      i = foreign + 1;
      continue;
    }
    if (!fragments.has(text.slice(i, i + FRAGMENT))) {
      i++;
      continue;
    }
    let end = i + FRAGMENT;
    while (end < text.length && fragments.has(text.slice(end - FRAGMENT + 1, end + 1))) end++;
    out += text.slice(from, i) + REDACTED;
    from = end;
    i = end;
  }
  return out + text.slice(from);
}

/** The last position of the window at `i` whose character no fragment has, or -1. */
function lastForeign(text: string, i: number): number {
  for (let k = i + FRAGMENT - 1; k >= i; k--) if (!fragmentChars.has(text.charCodeAt(k))) return k;
  return -1;
}

/** Routes the process's own stdout and stderr through the redactor. */
export function redactStandardStreams(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      write(
        typeof chunk === 'string'
          ? redact(chunk)
          : Buffer.isBuffer(chunk)
            ? redact(chunk.toString('utf8'))
            : chunk,
        ...rest,
      )) as typeof stream.write;
  }
}
