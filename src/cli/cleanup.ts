// npm run cleanup -- --base-url URL --writes <AccountSid> [--journal-dir DIR]… [--schemas DIR | --spec FILE|URL]
// Removes what runs that wrote left behind (a run killed, a cleanup that failed), and only that: what
// their journals say they made, and items carrying a run's tag that it made without hearing of them.
// A journal is cleaned up only on the account and host its run wrote to, with a tag of a run's shape,
// and never while its run is alive.

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors';
import type { CleanupResult } from '../run/writes/cleanup';
import { baseUrlFrom, credentialsFromEnv, writableAccount } from '../transport/credentials';
import { command, parseFlags, runIfMain } from './run';
import { runContract, SOURCE_FLAGS, SOURCE_HELP } from './sources';

const HELP = `
Usage: npm run cleanup -- --base-url URL --writes AccountSid [--journal-dir DIR]… [--schemas DIR | --spec FILE|URL]
Removes what runs that wrote left behind (a killed run, a failed cleanup), and only that: what their
journals say they made, and items carrying a run's tag that a killed run made without hearing their
ids. Each removal is read back (gone means a 404), then every list is read for the tag. A journal of
another account or host, or held by a running process, is left alone; so is everything when the lists
show another account's items. Exit 0 nothing left, 1 something could not be removed or looked for (or
a run still going), 2 bad input (nothing sent).

  --base-url URL        the API the runs wrote to (default $TWILIO_<PRODUCT>_BASE_URL, the product
                        from the spec's server; else that server)
  --writes AccountSid   the disposable account: must be the credentials' account
  --journal-dir DIR     where the journals are (repeatable); default reports/journal, and every journal
                        a run noted there that it kept elsewhere (--report-dir)
${SOURCE_HELP}

Environment: TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET;
CONFORMANCE_JOURNAL_DIR (the default journal folder)
Example: npm run cleanup -- --spec twilio_conversations_v1.json --writes AC0123…
`;

function journalDirs(flags: string[] | undefined, fallback: string): string[] {
  const named = flags?.length ? '--journal-dir' : 'CONFORMANCE_JOURNAL_DIR (the default journal folder)';
  const dirs = (flags?.length ? flags : [fallback]).map((d) => resolve(d));
  for (const d of dirs)
    if (existsSync(d) && !statSync(d).isDirectory())
      throw new UsageError(`${named} ${d}: not a folder; nothing was sent`);
  return dirs;
}

/** The last line: what was done, what was not and why, and the exit code that says it. */
function verdict(outcomes: ReadonlyArray<CleanupResult['outcome']>): { line: string; status: number } {
  const count = (o: CleanupResult['outcome']) => outcomes.filter((x) => x === o).length;
  const [done, failed, skipped, refused] = [
    count('done'),
    count('failed'),
    count('skipped'),
    count('refused'),
  ];
  const others = refused
    ? `; ${refused} of another account or host, or not a run's, left alone (nothing sent)`
    : '';
  if (failed || skipped)
    return {
      line: `NOT done: ${failed} journal(s) could not be cleaned up, ${skipped} held by a run still going (run cleanup again once it has ended); ${done} cleaned up${others}`,
      status: 1,
    };
  return { line: `cleaned up: nothing the runs of this account and host made is left${others}`, status: 0 };
}

export const cleanup = command(
  'cleanup',
  async (args, io) => {
    const flags = parseFlags(
      {
        'base-url': { type: 'string' },
        writes: { type: 'string' },
        'journal-dir': { type: 'string', multiple: true },
        ...SOURCE_FLAGS,
      },
      args,
      io,
    );
    if (flags.writes === undefined)
      throw new UsageError(
        '--writes: name the disposable account (its SID) the runs wrote to; nothing was sent',
      );
    const account = writableAccount(flags.writes, io.env);
    const credentials = credentialsFromEnv(io.env);
    const contract = await runContract(flags, io, 'both');
    const baseUrl = baseUrlFrom(flags['base-url'], io.env, contract.model.api);
    const [{ HttpTransport }, journal, { cleanUpJournal }] = await Promise.all([
      import('../transport/http'),
      import('../run/journal'),
      import('../run/writes/cleanup'),
    ]);
    const dirs = journalDirs(flags['journal-dir'], journal.defaultJournalDir(io.env));
    const found = journal.openJournals(dirs);
    if (found.length === 0) {
      io.out(`nothing to clean up: no unfinished run journal in ${dirs.join(', ')}`);
      return 0;
    }
    const transport = new HttpTransport({ target: 'cleanup', baseUrl, credentials, writes: true });
    const outcomes: Array<CleanupResult['outcome']> = [];
    for (const j of found) {
      const r = await cleanUpJournal(j, { contract, transport, account, baseUrl });
      io.out(r.line);
      for (const l of r.details) io.out(`  ${l}`);
      outcomes.push(r.outcome);
    }
    if (outcomes.every((o) => o === 'refused')) {
      io.err(
        'cleanup: every journal found belongs to another account or host, or is not a run journal; nothing was sent',
      );
      return 2;
    }
    const { line, status } = verdict(outcomes);
    io.out(line);
    return status;
  },
  HELP,
);

await runIfMain(cleanup, import.meta.url);
