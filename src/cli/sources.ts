// The sources of a run, for every command that reads them: --spec FILE|URL and --docs FILE|DIR build
// the model from those sources (nothing else applies); without them the committed schemas (--schemas
// DIR) are the model. One rule, so no command reads its sources another way.

import { join, resolve } from 'node:path';
import { UsageError } from '../errors';
import { unreadProse } from '../model/prose-rules';
import type { Contract, ContractMode } from '../schemas/contract';
import { PROJECT_ROOT, sourcePaths } from '../sources/paths';
import type { Io } from './run';

/** The flags, for parseFlags. */
export const SOURCE_FLAGS = {
  spec: { type: 'string' },
  docs: { type: 'string', multiple: true },
  schemas: { type: 'string' },
} as const;

/** What --help says about them. */
export const SOURCE_HELP = `Sources (default: the committed schemas/)
  --spec FILE|URL    an OpenAPI spec of any Twilio product (JSON or YAML): the run's model is built
                     from it (with the docs pages of its API in the sources folder, or --docs)
  --docs FILE|DIR    docs pages (*.docs.txt; a folder: every page in it), repeatable
  --schemas DIR      a folder written by npm run schemas (default schemas/)`;

export interface SourceSelection {
  spec?: string;
  docs?: string[];
  schemas?: string;
}

/** The source flags as given, for a command printed for later (the cleanup after a run). */
export function sourceArgs(flags: SourceSelection): string[] {
  return [
    ...(flags.spec !== undefined ? ['--spec', resolve(flags.spec)] : []),
    ...(flags.docs ?? []).flatMap((d) => ['--docs', resolve(d)]),
    ...(flags.schemas !== undefined ? ['--schemas', resolve(flags.schemas)] : []),
  ];
}

/** Whether the run builds its model from sources rather than reading schemas. */
export const fromSources = (flags: SourceSelection): boolean =>
  flags.spec !== undefined || (flags.docs?.length ?? 0) > 0;

/**
 * The contract of the run: built from --spec/--docs, else read from --schemas DIR (default
 * schemas/); what the build left out, and what a page documents that it could not use, is said in
 * one line each. The heavy stages load only now.
 */
export async function runContract(flags: SourceSelection, io: Io, mode: ContractMode): Promise<Contract> {
  const [{ Contract }, { buildModelFromSources }] = await Promise.all([
    import('../schemas/contract'),
    import('../model/build'),
  ]);
  if (!fromSources(flags)) {
    const contract = Contract.load(resolve(flags.schemas ?? join(PROJECT_ROOT, 'schemas')), mode);
    sayUnchecked(contract, io);
    return contract;
  }
  if (flags.schemas !== undefined)
    throw new UsageError(
      '--schemas: not with --spec or --docs (a run reads one model: the schemas, or the sources)',
    );
  const paths = sourcePaths(
    {
      ...(flags.spec !== undefined ? { spec: flags.spec } : {}),
      ...(flags.docs ? { docs: flags.docs } : {}),
    },
    io.env,
  );
  const built = await buildModelFromSources(paths);
  for (const note of built.notes) io.err(`note: ${note}`);
  // What a page documents that the model could not use is said, as npm run schemas says it.
  for (const line of built.unused) io.err(`not used: ${line}`);
  const contract = new Contract(built.model, mode);
  contract.compileAll();
  sayUnchecked(contract, io);
  return contract;
}

/**
 * What the suite did not take in, said: formats with no definition (accepted as they come), and
 * sentences of a request's prose that read like a rule but were not understood (not enforced).
 */
export function sayUnchecked(contract: Contract, io: Io, all = false): void {
  const unchecked = contract.validator.uncheckedFormats;
  if (unchecked.length)
    io.err(`note: formats with no definition, accepted unchecked: ${unchecked.join(', ')}`);
  const unread = contract.writes.flatMap((w) => unreadProse(w.request).map((u) => ({ ...u, write: w.id })));
  const shown = all ? unread : unread.slice(0, 3);
  for (const u of shown)
    io.err(
      `note: ${u.write} ${u.pointer}: reads like a rule but is not understood, not enforced: "${u.text}"`,
    );
  if (shown.length < unread.length)
    io.err(
      `note: and ${unread.length - shown.length} more sentences not understood (npm run schemas lists every one)`,
    );
}
