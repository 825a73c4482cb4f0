// npm run provider -- --port P --sessions N [--seed S] [--fault NAME] [--list-faults]
// Credentials: --account-sid/--auth-token (or TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN in its own
// environment) are enforced exactly; without them any well-formed Basic pair is accepted.

import { UsageError } from '../errors';
import { FAULTS, faultNamed } from '../provider/faults';
import { startProvider } from '../provider/server';
import { intFlag, parseFlags, runCommand } from './run';

await runCommand('provider', async () => {
  const flags = parseFlags({
    port: { type: 'string' },
    sessions: { type: 'string' },
    seed: { type: 'string' },
    fault: { type: 'string' },
    'account-sid': { type: 'string' },
    'auth-token': { type: 'string' },
    'list-faults': { type: 'boolean' },
  });
  if (flags['list-faults']) {
    for (const f of FAULTS) console.log(`${f.name.padEnd(26)} ${f.description} (caught by ${f.caughtBy})`);
    return 0;
  }
  const fault = flags.fault === undefined ? undefined : faultNamed(flags.fault);
  if (flags.fault !== undefined && !fault)
    throw new UsageError(`--fault: unknown fault "${flags.fault}" (see --list-faults)`);
  const username = flags['account-sid'] ?? process.env.TWILIO_ACCOUNT_SID;
  const password = flags['auth-token'] ?? process.env.TWILIO_AUTH_TOKEN;
  if (username && !/^AC[0-9a-fA-F]{32}$/.test(username))
    throw new UsageError('--account-sid: expected "AC" followed by 32 hex digits');
  const provider = await startProvider({
    port: intFlag(flags.port, '--port', 0) ?? 0,
    sessions: intFlag(flags.sessions, '--sessions', 0) ?? 120,
    seed: intFlag(flags.seed, '--seed', 0) ?? 1,
    ...(fault ? { fault } : {}),
    ...(username && password ? { credentials: { username, password } } : {}),
  });
  console.log(
    `reference provider on ${provider.url} (account ${provider.accountSid}${fault ? `, fault ${fault.name}` : ''}); Ctrl-C stops it`,
  );
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await provider.close();
  return 0;
});
