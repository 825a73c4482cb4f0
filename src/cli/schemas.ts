// npm run schemas -- [--docs FILE|DIR]… [--spec FILE|URL] [--out DIR] [--report-dir DIR] [--check]

import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bySeverity, type Finding } from '../finding';
import { type OutputFile, stableJson, writeFilesAtomic } from '../fs-atomic';
import { buildModelFromSources } from '../model/build';
import { findingLine, findingsMarkdown } from '../report/findings-markdown';
import { triangulate } from '../rules/triangulation/rules';
import { Contract } from '../schemas/contract';
import { leftoverSchemaFiles, modelFiles, staleSchemaLines } from '../schemas/files';
import { PROJECT_ROOT, sourcePaths } from '../sources/paths';
import { command, type Io, parseFlags, runIfMain } from './run';
import { sayUnchecked } from './sources';

const HELP = `
Usage: npm run schemas -- [--docs FILE|DIR]… [--spec FILE|URL] [--out DIR] [--report-dir DIR] [--check]
Derives the resource model and its schemas from the sources (the spec of any Twilio product, JSON or
YAML, and the docs pages of its API) into schemas/, and triangulates them. Pages found in the
sources folder that document another API are left out (a note says so); a page named with --docs
that does, or a spec that cannot be read, is one line and exit 2. --check writes no schema: exit 1
when the committed ones differ.
Environment: TWILIO_SOURCES_DIR (default ../shared/sources), TWILIO_DOCS_PAGE, TWILIO_OPENAPI_SPEC
Example: npm run schemas -- --spec twilio_conversations_v1.yaml --out /tmp/conversations
`;

export const schemas = command(
  'schemas',
  async (args, io) => {
    const flags = parseFlags(
      {
        docs: { type: 'string', multiple: true },
        spec: { type: 'string' },
        out: { type: 'string' },
        'report-dir': { type: 'string' },
        check: { type: 'boolean' },
      },
      args,
      io,
    );
    const paths = sourcePaths(
      {
        ...(flags.docs ? { docs: flags.docs } : {}),
        ...(flags.spec ? { spec: flags.spec } : {}),
      },
      io.env,
    );
    const out = resolve(flags.out ?? join(PROJECT_ROOT, 'schemas'));
    const reportDir = resolve(flags['report-dir'] ?? join(PROJECT_ROOT, 'reports'));
    const { model, docs, notes, unused } = await buildModelFromSources(paths);
    for (const note of notes) io.err(`note: ${note}`);
    const contract = new Contract(model, 'both');
    contract.compileAll();
    const findings = triangulate(contract).sort(bySeverity);
    const files = modelFiles(model, out);

    const read = docs.length ? docs.join(', ') : 'no docs page';
    io.out(
      `${model.api.title}: ${model.operations.length} GET and ${model.writes.length} write operations from ${paths.spec} and ${read}; triangulation: ${findings.length} findings`,
    );
    sayUnchecked(contract, io, true);
    // What a page documents that the model could not use is said, never dropped.
    for (const line of unused) io.err(`not used: ${line}`);
    for (const f of findings) io.out(`  ${findingLine(f)}`);

    const report = triangulationReport(reportDir, { spec: paths.spec, docs }, unused, findings);
    const leftovers = leftoverSchemaFiles(files, out);
    if (flags.check) return checkCommitted(files, leftovers, report, out, io);
    writeFilesAtomic([...files, ...report]);
    for (const f of leftovers) rmSync(f);
    io.out(
      `wrote ${files.length} files to ${out}${leftovers.length ? `, removed ${leftovers.length} stale` : ''}; reports in ${reportDir}`,
    );
    return 0;
  },
  HELP,
);

/**
 * --check: compares the schemas the sources give with the committed ones, writing nothing but the
 * reports (a read-only checkout still gets its verdict, without them); 1 when they differ.
 */
function checkCommitted(
  files: readonly OutputFile[],
  leftovers: readonly string[],
  report: OutputFile[],
  out: string,
  io: Io,
): number {
  try {
    writeFilesAtomic(report);
  } catch (error) {
    io.err(`reports not written: ${(error as Error).message}`);
  }
  const stale = [
    ...staleSchemaLines(files, PROJECT_ROOT),
    ...leftovers.map((f) => `${f}: no operation of the sources names it any more`),
  ];
  for (const line of stale) io.err(`stale: ${line}`);
  io.out(
    stale.length
      ? `${stale.length} differences: run npm run schemas to update`
      : `schemas in ${out} match the sources`,
  );
  return stale.length ? 1 : 0;
}

/** reports/triangulation.{json,md}: the findings, and what a page documents that the model could not use. */
function triangulationReport(
  dir: string,
  sources: { spec: string; docs: readonly string[] },
  unused: readonly string[],
  findings: readonly Finding[],
): OutputFile[] {
  const notUsed = unused.length
    ? `\n## Documented but not used\n\n${unused.map((l) => `- ${l}`).join('\n')}\n`
    : '';
  return [
    { path: join(dir, 'triangulation.json'), data: stableJson({ sources, unused, findings }) },
    {
      path: join(dir, 'triangulation.md'),
      data: findingsMarkdown('Triangulation: docs tables × docs examples × OpenAPI spec', findings) + notUsed,
    },
  ];
}

await runIfMain(schemas, import.meta.url);
