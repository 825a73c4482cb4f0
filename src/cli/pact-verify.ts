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
import { command, type Io, parseFlags, runIfMain } from './run';

export const pactVerify = command('pact:verify', async (args, io) => {
  const flags = parseFlags(
    {
      'base-url': { type: 'string' },
      contracts: { type: 'string' },
      schemas: { type: 'string' },
      'log-level': { type: 'string' },
    },
    args,
  );
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
  const broker = brokerFromEnv(io.env);
  if (broker) await publishPacts(broker, files, io.out);
  else io.out('publishing skipped: PACT_BROKER_BASE_URL is not set');

  const logLevel = (flags['log-level'] ?? 'warn') as 'warn';
  try {
    await verify(files, contract, flags['base-url'], broker, logLevel, io);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // Pact has already printed its readable diff above.
    const first = (error as Error).message.split('\n')[0] ?? '';
    const failed = /"result":"Error"/.test(first)
      ? 'one or more interactions did not match (see the diff above)'
      : first.slice(0, 200);
    io.err(`pact:verify: verification failed: ${failed}`);
    return 1;
  }
  io.out('pact verification passed');
  return 0;
});

await runIfMain(pactVerify, import.meta.url);

async function verify(
  files: string[],
  contract: Contract,
  baseUrlFlag: string | undefined,
  broker: Broker | undefined,
  logLevel: 'warn',
  io: Io,
) {
  if (baseUrlFlag === undefined) {
    const credentials = LOCAL_PROVIDER_CREDENTIALS;
    const local = await startProvider({ contract, credentials });
    io.out(`verifying ${files.length} pact file(s) against the local reference provider at ${local.url}`);
    try {
      await verifyPacts({ pactFiles: files, contract, baseUrl: local.url, credentials, local, logLevel });
    } finally {
      await local.close();
    }
  } else {
    const baseUrl = baseUrlFrom(baseUrlFlag, io.env);
    const credentials = credentialsOrLoopbackPlaceholder(baseUrl, io.env);
    io.out(`verifying ${files.length} pact file(s) against ${baseUrl}`);
    await verifyPacts({
      pactFiles: files,
      contract,
      baseUrl,
      credentials,
      logLevel,
      ...(broker && io.env.PACT_PUBLISH_VERIFICATION === 'true'
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
function credentialsOrLoopbackPlaceholder(baseUrl: string, env: NodeJS.ProcessEnv) {
  const loopback = /^127\./.test(new URL(baseUrl).hostname);
  if (loopback && !env.TWILIO_ACCOUNT_SID) return { username: `AC${'0'.repeat(32)}`, password: 'loopback' };
  const { username, password } = credentialsFromEnv(env);
  return { username, password };
}
