// Publishing to a Pact Broker, when PACT_BROKER_BASE_URL is set: the pacts under the consumer
// version (git SHA) and branch. Tokens go in headers only, never into output.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors';
import { toolPackage } from '../sources/paths';

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

const CONSUMER_VERSION_SELECTORS = [
  { mainBranch: true },
  { deployedOrReleased: true },
  { matchingBranch: true },
];

/** A fetched pact file and where its verification result goes. */
export interface BrokerPact {
  file: string;
  resultsUrl: string | undefined;
}

/**
 * The broker's pacts for this provider (its selectors), fetched before anything is verified and
 * written to `dir`: the caller checks them like local files (writes refused unless allowed), and the
 * verifier verifies exactly what was checked, never a second fetch.
 */
export async function fetchPactsForVerification(
  b: Broker,
  provider: string,
  dir: string,
  log: (line: string) => void,
): Promise<BrokerPact[]> {
  const headers = {
    authorization: authHeader(b),
    'content-type': 'application/json',
    accept: 'application/hal+json',
  };
  const list = await fetch(`${b.brokerUrl}/pacts/provider/${encodeURIComponent(provider)}/for-verification`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      consumerVersionSelectors: CONSUMER_VERSION_SELECTORS,
      ...(b.branch ? { providerVersionBranch: b.branch } : {}),
    }),
  });
  if (!list.ok) throw new UsageError(`pact broker: pacts for verification answered ${list.status}`);
  const body = (await list.json().catch(() => undefined)) as
    | { _embedded?: { pacts?: Array<{ _links?: { self?: { href?: unknown } } }> } }
    | undefined;
  const hrefs = (body?._embedded?.pacts ?? []).map((p) => p._links?.self?.href);
  if (hrefs.length === 0) throw new UsageError('pact broker: no pacts to verify for this provider');
  const out: BrokerPact[] = [];
  for (const [i, href] of hrefs.entries()) {
    if (typeof href !== 'string' || new URL(href, b.brokerUrl).origin !== new URL(b.brokerUrl).origin)
      throw new UsageError(`pact broker: pact ${i + 1} has no link on the broker's own origin`);
    const r = await fetch(new URL(href, b.brokerUrl), { headers });
    if (!r.ok) throw new UsageError(`pact broker: fetching pact ${i + 1} answered ${r.status}`);
    const text = await r.text();
    let doc: { _links?: Record<string, { href?: unknown }> };
    try {
      doc = JSON.parse(text);
    } catch {
      throw new UsageError(`pact broker: pact ${i + 1} is not valid JSON`);
    }
    const file = join(dir, `broker-pact-${i + 1}.json`);
    writeFileSync(file, text);
    const results = doc?._links?.['pb:publish-verification-results']?.href;
    out.push({ file, resultsUrl: typeof results === 'string' ? results : undefined });
  }
  log(`fetched ${out.length} pact(s) for verification from the broker`);
  return out;
}

/** The provider version on its branch, before its results are published. */
export async function registerProviderBranch(b: Broker, provider: string): Promise<void> {
  if (!b.branch) return;
  const r = await fetch(
    `${b.brokerUrl}/pacticipants/${encodeURIComponent(provider)}/branches/${encodeURIComponent(b.branch)}/versions/${encodeURIComponent(b.version)}`,
    {
      method: 'PUT',
      headers: { authorization: authHeader(b), 'content-type': 'application/json' },
      body: '{}',
    },
  );
  if (!r.ok)
    throw new UsageError(`pact broker: registering provider branch ${b.branch} answered ${r.status}`);
}

/** One pact's verification result, under the provider version. */
export async function publishVerificationResult(
  b: Broker,
  pact: BrokerPact,
  success: boolean,
): Promise<void> {
  if (!pact.resultsUrl) return;
  const url = new URL(pact.resultsUrl, b.brokerUrl);
  if (url.origin !== new URL(b.brokerUrl).origin)
    throw new UsageError("pact broker: a results link is not on the broker's own origin; nothing published");
  const r = await fetch(url, {
    method: 'POST',
    headers: { authorization: authHeader(b), 'content-type': 'application/json' },
    body: JSON.stringify({
      success,
      providerApplicationVersion: b.version,
      verifiedBy: { implementation: toolPackage().name },
    }),
  });
  if (!r.ok) throw new UsageError(`pact broker: publishing a verification result answered ${r.status}`);
}
