// Before a verification against a base URL sends anything else: one read of a top-level list with the
// credentials. When the API refuses them (401, 403) no interaction could be verified, and the write
// states would leave a journal for a cleanup the same credentials could not do either: the
// verification says so in one line and exits 2, as `conformance` does, instead of a failure per
// interaction that never names the credentials. So does an https:// URL at a port that does not speak
// TLS (one request is enough to know): no request of the verification could be answered either.

import type { Contract } from '../schemas/contract';
import { HttpTransport, TLS_MISMATCH } from '../transport/http';

export async function preflightProblem(
  contract: Contract,
  baseUrl: string,
  credentials: { username: string; password: string },
  who: string,
): Promise<string | undefined> {
  const list = contract.operations.find((o) => o.kind === 'list' && o.pathParams.length === 0);
  if (!list) return undefined;
  // The run's own transport (its TLS checks, its timeout), not fetch: a verifying child never loads undici.
  const transport = new HttpTransport({
    target: 'pact-preflight',
    baseUrl,
    credentials,
    budget: 1,
    timeoutMs: 10_000,
    maxRetries: 0,
  });
  // A request the transport would not send (a limit of its own) proves nothing either way.
  const exchange = await transport.get(list.path).catch(() => undefined);
  const error = exchange?.error;
  if (error?.code && TLS_MISMATCH.has(error.code))
    return `${error.message}: use its http:// URL, or the port that serves TLS; nothing was verified, nothing was written`;
  // Unreachable, or no answer in time: the verification itself says so, request by request.
  const status = exchange?.response?.status;
  if (status !== 401 && status !== 403) return undefined;
  return `the credentials were refused: GET ${list.path} answered ${status}; check ${who}; nothing was verified, nothing was written`;
}
