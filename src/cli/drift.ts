// npm run drift -- --from A --to B [--json] [--fail-on breaking|any|none] [--out FILE] [--schemas DIR | --spec FILE|URL --docs FILE|DIR]
// A and B: a docs page, an OpenAPI spec, a folder of derived schemas, a recordings folder, or a
// conformance.json (two of those last: last night's traffic against tonight's).

import { join, resolve } from 'node:path';
import { comparedOperations, diffSides } from '../drift/diff';
import { documentedIn, loadSides } from '../drift/sides';
import { levelOf } from '../drift/table';
import { UsageError } from '../errors';
import { stableJson, writeFileAtomic } from '../fs-atomic';
import { changeJson, driftMarkdown, sortChanges } from '../report/drift-markdown';
import { PROJECT_ROOT } from '../sources/paths';
import { command, parseFlags, runIfMain } from './run';
import { fromSources, runContract, SOURCE_FLAGS, SOURCE_HELP } from './sources';

const HELP = `
Usage: npm run drift -- --from A --to B [--json] [--fail-on breaking|any|none] [--out FILE] [--schemas DIR]
Classifies the changes between two sides, each a docs page, an OpenAPI spec (JSON or YAML), a folder
of derived schemas, a recordings folder or a conformance.json. Two specs are compared whole: every
operation of every method, parameters, request bodies, statuses, nested fields. A docs page is
compared on every operation it documents, reads and writes. Two nights of traffic (two
conformance.json or recordings folders) are compared on what was observed: a field on every item
before and on none now is breaking. The output names the operations compared; a pair that shares
none is exit 2. Exit 1 when --fail-on is met (default breaking), 2 bad input. See docs/drift.md.
${SOURCE_HELP}
  (the model maps a recordings folder's requests to operations)

Examples
  npm run drift -- --from my-resource.docs.txt --to twilio_conversations_v1.json
  npm run drift -- --from schemas --to reports/conformance.json
  npm run drift -- --from last-night/conformance.json --to reports/conformance.json
`;

export const drift = command(
  'drift',
  async (args, io) => {
    const flags = parseFlags(
      {
        from: { type: 'string' },
        to: { type: 'string' },
        json: { type: 'boolean' },
        'fail-on': { type: 'string' },
        out: { type: 'string' },
        ...SOURCE_FLAGS,
      },
      args,
      io,
    );
    if (!flags.from || !flags.to) throw new UsageError('needs --from A and --to B');
    const failOn = flags['fail-on'] ?? 'breaking';
    if (!['breaking', 'any', 'none'].includes(failOn))
      throw new UsageError(`--fail-on: expected breaking|any|none, got "${failOn}"`);
    const schemas = fromSources(flags)
      ? await runContract(flags, io, 'both')
      : resolve(flags.schemas ?? join(PROJECT_ROOT, 'schemas'));
    // A path that does not exist is one line from loadSide, as for any other source.
    const [a, b] = loadSides(resolve(flags.from), resolve(flags.to), schemas);
    for (const note of [...(a.notes ?? []), ...(b.notes ?? [])]) io.err(`not used: ${note}`);
    const compared = comparedOperations(a, b);
    // A drift that compared nothing is no verdict: one line naming both sides, never "No drift."
    if (compared.both.length === 0)
      throw new UsageError(
        `nothing compared: ${a.label} (${a.operations.length} operations) and ${b.label} (${b.operations.length}) describe no operation in common`,
      );
    // Traffic against traffic: a field that appeared is news only when no source documents it.
    const documented = a.kind === 'traffic' && b.kind === 'traffic' ? documentedIn(schemas) : undefined;
    const changes = sortChanges(diffSides(a, b, documented ? { documented } : {}));
    const output = flags.json
      ? stableJson({
          from: { source: a.label, kind: a.kind },
          to: { source: b.label, kind: b.kind },
          compared,
          changes: changes.map(changeJson),
        })
      : driftMarkdown(a.label, b.label, changes, compared);
    if (flags.out) writeFileAtomic(resolve(flags.out), output);
    io.out(output.replace(/\n$/, ''));
    const breaking = changes.some((c) => levelOf(c) === 'breaking');
    const nonInfo = changes.some((c) => levelOf(c) !== 'info');
    return failOn === 'none' ? 0 : failOn === 'any' ? (nonInfo ? 1 : 0) : breaking ? 1 : 0;
  },
  HELP,
);

await runIfMain(drift, import.meta.url);
