// npm run drift -- --from A --to B [--json] [--fail-on breaking|any|none] [--out FILE]
// A and B: a docs page, an OpenAPI spec, a folder of derived schemas, a recordings folder, or a
// conformance.json.

import { resolve } from 'node:path';
import { diffModels } from '../drift/diff';
import { loadModel } from '../drift/model';
import { driftMarkdown, sortChanges } from '../drift/report';
import { UsageError } from '../errors';
import { stableJson, writeFileAtomic } from '../fs-atomic';
import { parseFlags, runCommand } from './run';

await runCommand('drift', () => {
  const flags = parseFlags({
    from: { type: 'string' },
    to: { type: 'string' },
    json: { type: 'boolean' },
    'fail-on': { type: 'string' },
    out: { type: 'string' },
    'list-path': { type: 'string' },
    'fetch-path': { type: 'string' },
  });
  if (!flags.from || !flags.to) throw new UsageError('needs --from A and --to B');
  const failOn = flags['fail-on'] ?? 'breaking';
  if (!['breaking', 'any', 'none'].includes(failOn))
    throw new UsageError(`--fail-on: expected breaking|any|none, got "${failOn}"`);
  const paths = {
    ...(flags['list-path'] ? { listPath: flags['list-path'] } : {}),
    ...(flags['fetch-path'] ? { fetchPath: flags['fetch-path'] } : {}),
  };
  const a = loadModel(resolve(flags.from), paths);
  const b = loadModel(resolve(flags.to), { listPath: a.set.listPath, fetchPath: a.set.fetchPath, ...paths });
  const changes = sortChanges(diffModels(a, b));
  const output = flags.json
    ? stableJson({ from: { source: a.label, kind: a.kind }, to: { source: b.label, kind: b.kind }, changes })
    : driftMarkdown(`${a.label}`, `${b.label}`, changes);
  if (flags.out) writeFileAtomic(resolve(flags.out), output);
  process.stdout.write(output);
  const breaking = changes.some((c) => c.class === 'breaking');
  const nonInfo = changes.some((c) => c.class !== 'info');
  return failOn === 'none' ? 0 : failOn === 'any' ? (nonInfo ? 1 : 0) : breaking ? 1 : 0;
});
