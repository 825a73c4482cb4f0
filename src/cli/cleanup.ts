// npm run cleanup -- --base-url URL --writes <AccountSid> [--journal-dir DIR] [--schemas DIR]
// Removes what runs that wrote left behind (a run killed, a cleanup that failed), and only that:
// every item their journals say they made, newest first, and items carrying a run's tag that a
// killed run made without hearing their ids. The account must be the one named disposable.

import { join, resolve } from 'node:path';
import '../polyfills';
import { UsageError } from '../errors';
import { PROJECT_ROOT } from '../sources/paths';
import { baseUrlFrom, credentialsFromEnv, writableAccount } from '../transport/credentials';
import { command, parseFlags, runIfMain } from './run';

const HELP = `
Usage: npm run cleanup -- --base-url URL --writes AccountSid [--journal-dir DIR] [--schemas DIR]
Removes what runs that wrote left behind (a killed run, a failed cleanup), and only that: what their
journals say they made, newest first, and items carrying a run's tag that a killed run made without
hearing their ids. Exit 0 nothing left, 1 something could not be removed, 2 bad input (nothing sent).

  --base-url URL        the API the runs wrote to (default $TWILIO_ASSISTANTS_BASE_URL, else Twilio's)
  --writes AccountSid   the disposable account: must be the credentials' account
  --journal-dir DIR     default reports/journal

Environment: TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET
Example: npm run cleanup -- --base-url https://assistants.twilio.com --writes AC0123…
`;

export const cleanup = command(
  'cleanup',
  async (args, io) => {
    const flags = parseFlags(
      {
        'base-url': { type: 'string' },
        writes: { type: 'string' },
        'journal-dir': { type: 'string' },
        schemas: { type: 'string' },
      },
      args,
    );
    if (flags.writes === undefined)
      throw new UsageError(
        '--writes: name the disposable account (its SID) the runs wrote to; nothing was sent',
      );
    writableAccount(flags.writes, io.env);
    const credentials = credentialsFromEnv(io.env);
    const baseUrl = baseUrlFrom(flags['base-url'], io.env);
    const dir = resolve(flags['journal-dir'] ?? join(PROJECT_ROOT, 'reports/journal'));
    const [{ Contract }, { HttpTransport }, journal, { undo, taggedLeftovers }] = await Promise.all([
      import('../schemas/contract'),
      import('../transport/http'),
      import('../run/journal'),
      import('../run/lifecycle'),
    ]);
    const contract = Contract.load(resolve(flags.schemas ?? join(PROJECT_ROOT, 'schemas')), 'both');
    const journals = journal.openJournals(dir);
    if (journals.length === 0) {
      io.out(`nothing to clean up: no unfinished run journal in ${dir}`);
      return 0;
    }
    let left = 0;
    for (const { file, entries } of journals) {
      const tag = entries[0]?.tag ?? '';
      const wrote = entries.find((e) => e.kind === 'run')?.baseUrl;
      // Never clean up on another host than the run wrote to: ids mean nothing there.
      if (wrote && wrote.replace(/\/+$/, '') !== baseUrl)
        throw new UsageError(
          `${file}: that run wrote to ${wrote}, not to --base-url ${baseUrl}; nothing was sent`,
        );
      const transport = new HttpTransport({ target: 'cleanup', baseUrl, credentials, writes: true });
      const j = new journal.Journal(file, tag, true);
      const found = await taggedLeftovers(transport, contract, entries, tag);
      const result = await undo(transport, contract, j, [...entries, ...found]);
      const removed = result.observations.filter(
        (o) => o.exchange.response && o.exchange.response.status < 300,
      );
      io.out(
        `${tag}: removed ${removed.length} item(s) and attachment(s)${found.length ? ` (${found.length} found by the tag)` : ''}`,
      );
      for (const e of result.left)
        io.out(
          `  left: ${e.list ?? e.write} ${e.id ?? ''} ${e.undo ? `${e.undo.method} ${e.undo.path}` : '(no operation removes it)'}`,
        );
      const stuck = result.left.filter((e) => e.undo);
      if (stuck.length === 0) j.record({ kind: 'done', message: 'cleaned up by npm run cleanup' });
      j.close();
      left += stuck.length;
    }
    io.out(
      left ? `FAILED: ${left} item(s) could not be removed` : 'cleaned up: nothing the runs made is left',
    );
    return left ? 1 : 0;
  },
  HELP,
);

await runIfMain(cleanup, import.meta.url);
