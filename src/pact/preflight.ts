// Before a verification against a base URL sends anything else: one read of a top-level list with the
// credentials. When the API refuses them (401, 403) no interaction could be verified, and the write
// states would leave a journal for a cleanup the same credentials could not do either: the
// verification says so in one line and exits 2, as `conformance` does, instead of a failure per
// interaction that never names the credentials.

import type { Contract } from '../schemas/contract';

export async function credentialsRefused(
  contract: Contract,
  baseUrl: string,
  credentials: { username: string; password: string },
  who: string,
): Promise<string | undefined> {
  const list = contract.operations.find((o) => o.kind === 'list' && o.pathParams.length === 0);
  if (!list) return undefined;
  const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  try {
    const r = await fetch(`${baseUrl.replace(/\/+$/, '')}${list.path}`, {
      headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
    await r.body?.cancel();
    if (r.status !== 401 && r.status !== 403) return undefined;
    return `the credentials were refused: GET ${list.path} answered ${r.status}; check ${who}; nothing was verified, nothing was written`;
  } catch {
    // Unreachable, or no answer in time: the verification itself says so, request by request.
    return undefined;
  }
}
