// npm run pact:verify -- [--base-url URL] [--contracts DIR] [--schemas DIR]
// Without --base-url: starts the local reference provider and verifies against it.

import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors';
import { type Broker, brokerFromEnv, publishPacts } from '../pact/broker';
import { verifyPacts } from '../pact/verify';
import { Contract } from '../schemas/contract';
import { PROJECT_ROOT } from '../sources/paths';
import { LOCAL_PROVIDER_CREDENTIALS, startProvider } from '../targets/targets';
import { baseUrlFrom, credentialsFromEnv } from '../transport/credentials';
import { parseFlags, runCommand } from './run';

await runCommand('pact:verify', async () => {
  const flags = parseFlags({
    'base-url': { type: 'string' },
    contracts: { type: 'string' },
    schemas: { type: 'string' },
    'log-level': { type: 'string' },
  });
  const dir = resolve(flags.contracts ?? join(PROJECT_ROOT, 'contracts'));
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(dir, f));
  } catch {
    throw new UsageError(`contracts folder ${dir}: not found`);
  }
  const contract = Contract.load(resolve(flags.schemas ?? join(PROJECT_ROOT, 'schemas')), 'both');
  const broker = brokerFromEnv();
  if (broker) await publishPacts(broker, files);
  else console.log('publishing skipped: PACT_BROKER_BASE_URL is not set');

  const logLevel = (flags['log-level'] ?? 'warn') as 'warn';
  try {
    await verify(files, contract, flags['base-url'], broker, logLevel);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // Pact has already printed its readable diff above.
    const first = (error as Error).message.split('\n')[0] ?? '';
    const failed = /"result":"Error"/.test(first)
      ? 'one or more interactions did not match (see the diff above)'
      : first.slice(0, 200);
    console.error(`pact:verify: verification failed: ${failed}`);
    return 1;
  }
  console.log('pact verification passed');
  return 0;
});

async function verify(
  files: string[],
  contract: Contract,
  baseUrlFlag: string | undefined,
  broker: Broker | undefined,
  logLevel: 'warn',
) {
  if (baseUrlFlag === undefined) {
    const credentials = LOCAL_PROVIDER_CREDENTIALS;
    const local = await startProvider({ contract, credentials });
    console.log(
      `verifying ${files.length} pact file(s) against the local reference provider at ${local.url}`,
    );
    try {
      await verifyPacts({ pactFiles: files, contract, baseUrl: local.url, credentials, local, logLevel });
    } finally {
      await local.close();
    }
  } else {
    const baseUrl = baseUrlFrom(baseUrlFlag);
    const credentials = credentialsOrLoopbackPlaceholder(baseUrl);
    console.log(`verifying ${files.length} pact file(s) against ${baseUrl}`);
    await verifyPacts({
      pactFiles: files,
      contract,
      baseUrl,
      credentials,
      logLevel,
      ...(broker && process.env.PACT_PUBLISH_VERIFICATION === 'true'
        ? {
            publish: {
              ...broker,
              providerVersion: broker.version,
              ...(broker.branch ? { branch: broker.branch } : {}),
            },
          }
        : {}),
    });
  }
}

/** A loopback provider started without credentials accepts any well-formed pair; elsewhere they are required. */
function credentialsOrLoopbackPlaceholder(baseUrl: string) {
  const loopback = /^127\./.test(new URL(baseUrl).hostname);
  if (loopback && !process.env.TWILIO_ACCOUNT_SID)
    return { username: `AC${'0'.repeat(32)}`, password: 'loopback' };
  const { username, password } = credentialsFromEnv();
  return { username, password };
}
