// What `npm run build` is made from, as one digest: every file under src/ and schemas/, the build's
// own scripts, package.json and package-lock.json (the versions of esbuild and ajv). The build
// writes it beside its output last (bin/validators.ts), so the suites' globalSetup rebuilds only
// when an input changed or the output is missing, not on every `npm test` (`npm ci` has just built).

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../src/sources/paths';

/** Where the build leaves the digest of what it was made from. */
export const BUILD_STAMP = join(PROJECT_ROOT, 'dist/build-inputs.sha256');
/** What a build must have left for a run to use it (a command and the validators' folder). */
const OUTPUTS = ['dist/cli/conformance.mjs', 'dist/validators'];

const INPUT_DIRS = ['src', 'schemas'];
const INPUT_FILES = ['bin/build-inputs.ts', 'bin/validators.ts', 'package.json', 'package-lock.json'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** The digest of the build's inputs as they are on disk now (path and bytes of each, in a fixed order). */
export function buildInputsDigest(root = PROJECT_ROOT): string {
  const files = [
    ...INPUT_DIRS.flatMap((d) => filesUnder(join(root, d))),
    ...INPUT_FILES.map((f) => join(root, f)),
  ]
    .map((f) => relative(root, f))
    .sort();
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(`${f}\0`);
    hash.update(existsSync(join(root, f)) ? readFileSync(join(root, f)) : '(missing)');
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Whether dist/ holds a build of exactly the inputs on disk now. */
export function builtFromCurrentInputs(root = PROJECT_ROOT): boolean {
  const stamp = join(root, relative(PROJECT_ROOT, BUILD_STAMP));
  if (!existsSync(stamp) || !OUTPUTS.every((o) => existsSync(join(root, o)))) return false;
  return readFileSync(stamp, 'utf8').trim() === buildInputsDigest(root);
}
