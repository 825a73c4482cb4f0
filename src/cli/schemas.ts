// npm run schemas -- [--docs FILE] [--spec FILE] [--out DIR] [--report-dir DIR] [--check]

import { join, resolve } from 'node:path';
import { deriveAll } from '../derive/derive-all';
import { schemaFiles, staleSchemaLines } from '../derive/schema-files';
import { bySeverity } from '../findings';
import { stableJson, writeFilesAtomic } from '../fs-atomic';
import { findingLine, findingsMarkdown } from '../report/findings-markdown';
import { PROJECT_ROOT, sourcePaths } from '../sources';
import { parseFlags, runCommand } from './run';

await runCommand('schemas', () => {
  const flags = parseFlags({
    docs: { type: 'string' },
    spec: { type: 'string' },
    out: { type: 'string' },
    'report-dir': { type: 'string' },
    check: { type: 'boolean' },
  });
  const paths = sourcePaths({ docs: flags.docs, spec: flags.spec });
  const out = resolve(flags.out ?? join(PROJECT_ROOT, 'schemas'));
  const reportDir = resolve(flags['report-dir'] ?? join(PROJECT_ROOT, 'reports'));
  const { docs, spec, findings } = deriveAll(paths);
  const files = [...schemaFiles(docs, out), ...schemaFiles(spec, out)];
  const sorted = [...findings].sort(bySeverity);

  console.log(`triangulation of ${paths.docs} and ${paths.spec}: ${findings.length} findings`);
  for (const f of sorted) console.log(`  ${findingLine(f)}`);

  const report = [
    { path: join(reportDir, 'triangulation.json'), data: stableJson({ sources: paths, findings: sorted }) },
    {
      path: join(reportDir, 'triangulation.md'),
      data: findingsMarkdown('Triangulation: docs table × docs examples × OpenAPI spec', sorted),
    },
  ];
  if (flags.check) {
    writeFilesAtomic(report);
    const stale = staleSchemaLines(files, PROJECT_ROOT);
    for (const line of stale) console.error(`stale: ${line}`);
    console.log(
      stale.length
        ? `${stale.length} differences: run npm run schemas to update`
        : `schemas in ${out} match the sources`,
    );
    return stale.length ? 1 : 0;
  }
  writeFilesAtomic([...files, ...report]);
  console.log(`wrote ${files.length} files to ${out}; reports in ${reportDir}`);
  return 0;
});
