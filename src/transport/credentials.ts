// Live credentials from the environment, checked for shape before anything is sent. Messages name
// the variable, never its value.

import { UsageError } from '../errors';
import { type ApiInfo, baseUrlVariable } from '../model/api';
import type { Credentials } from './http';

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const API_KEY = /^SK[0-9a-fA-F]{32}$/;

export function credentialsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Credentials & { accountSid: string } {
  const account = env.TWILIO_ACCOUNT_SID;
  if (!account)
    throw new UsageError(
      'live target needs TWILIO_ACCOUNT_SID (with TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET)',
    );
  if (!ACCOUNT_SID.test(account))
    throw new UsageError('TWILIO_ACCOUNT_SID: expected "AC" followed by 32 hex digits');
  if (env.TWILIO_API_KEY || env.TWILIO_API_SECRET) {
    if (!env.TWILIO_API_KEY) throw new UsageError('TWILIO_API_SECRET is set but TWILIO_API_KEY is missing');
    if (!API_KEY.test(env.TWILIO_API_KEY))
      throw new UsageError('TWILIO_API_KEY: expected "SK" followed by 32 hex digits');
    if (!env.TWILIO_API_SECRET)
      throw new UsageError('TWILIO_API_KEY is set but TWILIO_API_SECRET is missing');
    return { accountSid: account, username: env.TWILIO_API_KEY, password: env.TWILIO_API_SECRET };
  }
  if (!env.TWILIO_AUTH_TOKEN)
    throw new UsageError('live target needs TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET)');
  return { accountSid: account, username: account, password: env.TWILIO_AUTH_TOKEN };
}

/**
 * The base URL of a live target: --base-url, else the API's own variable (TWILIO_CONVERSATIONS_BASE_URL
 * for Conversations: baseUrlVariable), else where the spec says Twilio serves it.
 */
export function baseUrlFrom(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  api?: ApiInfo,
): string {
  const variable = api ? baseUrlVariable(api) : undefined;
  const fromEnv = variable ? env[variable] : undefined;
  const raw = flag ?? fromEnv ?? api?.origin;
  const name = flag !== undefined ? '--base-url' : fromEnv ? (variable as string) : "the spec's server";
  if (raw === undefined)
    throw new UsageError(
      `no base URL: the spec names no server; give --base-url${variable ? ` (or ${variable})` : ''}`,
    );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${name}: not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`${name}: must be http or https, got ${url.protocol}`);
  if (url.username || url.password)
    throw new UsageError(`${name}: must not carry credentials; use the TWILIO_* variables`);
  // Requests and the links a provider hands out are absolute paths (/v1/…): a prefix would be dropped.
  if (url.pathname.replace(/\/+$/, '') !== '' || url.search || url.hash)
    throw new UsageError(
      `${name}: must be an origin (scheme, host, port) with no path, query or fragment; got ${JSON.stringify(raw)}`,
    );
  return url.toString().replace(/\/+$/, '');
}

/** Every value that must never appear in a file, a report or a log. */
export function secretsOf(env: NodeJS.ProcessEnv = process.env): string[] {
  return [env.TWILIO_AUTH_TOKEN, env.TWILIO_API_SECRET].filter(
    (s): s is string => typeof s === 'string' && s.length >= 4,
  );
}

/**
 * --writes <AccountSid>: the account the user declares disposable must be the credentials' account,
 * checked before anything is sent. Returns the account, or throws a one-line usage error.
 */
export function writableAccount(named: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!ACCOUNT_SID.test(named))
    throw new UsageError(`--writes: expected the disposable account's SID ("AC" followed by 32 hex digits)`);
  const { accountSid } = credentialsFromEnv(env);
  if (accountSid !== named)
    throw new UsageError(
      '--writes: the account named is not the account of the credentials (TWILIO_ACCOUNT_SID); nothing was sent',
    );
  return named;
}
