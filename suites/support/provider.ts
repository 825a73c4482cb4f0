// Runs the conformance checks against an in-process reference provider, for the suites.

import { join } from 'node:path';
import { CHECKS } from '../../src/checks/registry';
import { type RunResult, runConformance } from '../../src/checks/runner';
import { Contract } from '../../src/contract/contract';
import { faultNamed } from '../../src/provider/faults';
import { startProvider } from '../../src/provider/server';
import { PROJECT_ROOT } from '../../src/sources';
import { HttpTransport } from '../../src/transport/http';

export const contract = Contract.load(join(PROJECT_ROOT, 'schemas'), 'both');
export const LOCAL_CREDENTIALS = { username: `AC${'ab'.repeat(16)}`, password: 'suite-token' };

export async function runAgainstProvider(fault?: string, sessions = 12): Promise<RunResult> {
  const f = fault ? faultNamed(fault) : undefined;
  if (fault && !f) throw new Error(`no fault ${fault}`);
  const provider = await startProvider({
    sessions,
    credentials: LOCAL_CREDENTIALS,
    ...(f ? { fault: f } : {}),
  });
  try {
    const transport = new HttpTransport({
      target: 'local',
      baseUrl: provider.url,
      credentials: LOCAL_CREDENTIALS,
      timeoutMs: 5000,
    });
    return await runConformance(transport, contract, CHECKS);
  } finally {
    await provider.close();
  }
}
