// Publishing to a Pact Broker, when PACT_BROKER_BASE_URL is set: the pacts under the consumer
// version (git SHA) and branch. Tokens go in headers only, never into output.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors';

export interface Broker {
  brokerUrl: string;
  token?: string;
  username?: string;
  password?: string;
  version: string;
  branch?: string;
}

const git = (...args: string[]): string | undefined => {
  try {
    return (
      execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined
    );
  } catch {
    return undefined;
  }
};

export function brokerFromEnv(env: NodeJS.ProcessEnv = process.env): Broker | undefined {
  const url = env.PACT_BROKER_BASE_URL;
  if (!url) return undefined;
  try {
    new URL(url);
  } catch {
    throw new UsageError('PACT_BROKER_BASE_URL: not a URL');
  }
  if (!env.PACT_BROKER_TOKEN && !(env.PACT_BROKER_USERNAME && env.PACT_BROKER_PASSWORD)) {
    throw new UsageError(
      'PACT_BROKER_BASE_URL is set: also set PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD',
    );
  }
  const version = env.GITHUB_SHA ?? git('rev-parse', 'HEAD');
  if (!version)
    throw new UsageError('publishing needs a version: set GITHUB_SHA or run inside a git checkout');
  const branch = env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || git('rev-parse', '--abbrev-ref', 'HEAD');
  return {
    brokerUrl: url.replace(/\/+$/, ''),
    ...(env.PACT_BROKER_TOKEN
      ? { token: env.PACT_BROKER_TOKEN }
      : { username: env.PACT_BROKER_USERNAME, password: env.PACT_BROKER_PASSWORD }),
    version,
    ...(branch ? { branch } : {}),
  };
}

function authHeader(b: Broker): string {
  return b.token
    ? `Bearer ${b.token}`
    : `Basic ${Buffer.from(`${b.username}:${b.password}`).toString('base64')}`;
}

export async function publishPacts(
  b: Broker,
  files: readonly string[],
  log: (line: string) => void,
): Promise<void> {
  for (const file of files) {
    const pact = JSON.parse(readFileSync(file, 'utf8')) as {
      consumer: { name: string };
      provider: { name: string };
    };
    const c = encodeURIComponent(pact.consumer.name);
    const p = encodeURIComponent(pact.provider.name);
    const v = encodeURIComponent(b.version);
    const headers = { authorization: authHeader(b), 'content-type': 'application/json' };
    if (b.branch) {
      const r = await fetch(
        `${b.brokerUrl}/pacticipants/${c}/branches/${encodeURIComponent(b.branch)}/versions/${v}`,
        { method: 'PUT', headers, body: '{}' },
      );
      if (!r.ok) throw new UsageError(`pact broker: registering branch ${b.branch} answered ${r.status}`);
    }
    const r = await fetch(`${b.brokerUrl}/pacts/provider/${p}/consumer/${c}/version/${v}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify(pact),
    });
    if (!r.ok) throw new UsageError(`pact broker: publishing ${file} answered ${r.status}`);
    log(
      `published ${pact.consumer.name} → ${pact.provider.name} version ${b.version}${b.branch ? ` (branch ${b.branch})` : ''}`,
    );
  }
}
