// npm run provider -- [--port P] [--items N] [--seed S] [--fault NAME[@OperationId]] [--list-faults]
// Credentials: --account-sid/--auth-token (or TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN in its own
// environment) are enforced exactly; without them any well-formed Basic pair is accepted.

import { UsageError } from '../errors';
import { activeFault, FAULTS, HOSTILE, startProvider } from '../targets/targets';
import { command, intFlag, parseFlags, runIfMain } from './run';
import { runContract, SOURCE_FLAGS, SOURCE_HELP } from './sources';

const HELP = `
Usage: npm run provider -- [--port P] [--items N] [--seed S] [--fault NAME[@OperationId]] [--list-faults]
Serves every operation of the model on 127.0.0.1 (reads and stateful writes) until SIGINT/SIGTERM,
or until its parent process (npm) ends.
  --port P (0: any)  --items N (30)  --seed S (1)  --account-sid/--auth-token (or TWILIO_*) to enforce
${SOURCE_HELP}
Example: npm run provider -- --port 4010 --items 30
`;

export const provider = command(
  'provider',
  async (args, io) => {
    const flags = parseFlags(
      {
        port: { type: 'string' },
        items: { type: 'string' },
        seed: { type: 'string' },
        fault: { type: 'string' },
        ...SOURCE_FLAGS,
        'account-sid': { type: 'string' },
        'auth-token': { type: 'string' },
        'list-faults': { type: 'boolean' },
      },
      args,
      io,
    );
    const contract = await runContract(flags, io, 'both');
    if (flags['list-faults']) {
      for (const [group, faults] of [
        ['', FAULTS],
        ['hostile (write safety): ', HOSTILE],
      ] as const)
        for (const f of faults) {
          const ops = [
            ...contract.operations.filter((op) => f.appliesTo(op, contract.merged(op))),
            ...contract.writes.filter((w) => f.appliesToWrite?.(w)),
          ].map((op) => op.id);
          io.out(
            `${f.name.padEnd(30)} ${group}${f.description} (caught by ${f.caughtBy}; applies to ${ops.length} operations)`,
          );
        }
      return 0;
    }
    const fault = flags.fault === undefined ? undefined : activeFault(flags.fault, contract);
    const username = flags['account-sid'] ?? io.env.TWILIO_ACCOUNT_SID;
    const password = flags['auth-token'] ?? io.env.TWILIO_AUTH_TOKEN;
    if (username && !/^AC[0-9a-fA-F]{32}$/.test(username))
      throw new UsageError('--account-sid: expected "AC" followed by 32 hex digits');
    const provider = await startProvider({
      contract,
      port: intFlag(flags.port, '--port', 0, 65_535) ?? 0,
      items: intFlag(flags.items, '--items', 0, 1_000_000) ?? 30,
      seed: intFlag(flags.seed, '--seed', 0) ?? 1,
      ...(fault ? { fault } : {}),
      ...(username && password ? { credentials: { username, password } } : {}),
    });
    io.out(
      `reference provider on ${provider.url}: ${contract.operations.length} reads and ${contract.writes.length} writes${fault ? `, fault ${flags.fault}` : ''}; Ctrl-C stops it`,
    );
    const why = await new Promise<string>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal));
      if (io.process) whenOrphaned(() => resolve('its parent process ended'));
    });
    await provider.close();
    if (!why.startsWith('SIG')) io.err(`provider: stopped: ${why}`);
    return 0;
  },
  HELP,
);

/**
 * Calls `then` once this process loses its parent: `npm run provider` stopped by npm's PID ends npm
 * and its shell, not the server, which would keep the port (node is handed to init instead).
 */
function whenOrphaned(then: () => void): void {
  const timer = setInterval(() => {
    if (process.ppid === STARTED_BY) return;
    clearInterval(timer);
    then();
  }, 500);
  timer.unref();
}
/** The parent as this module loaded: one that ends while the server starts is noticed too. */
const STARTED_BY = process.ppid;

await runIfMain(provider, import.meta.url);
