// What `npm run build` is made from, as one digest: every file under src/ and schemas/, the build's
// own scripts, tsconfig.json (esbuild reads its target), package.json, the lockfile and the installed
// tree's record of itself (the versions of esbuild and ajv, an `npm install --no-save` included).
// The build takes the digest first (`node bin/build-inputs.mjs`: a source edited while it runs is not
// stamped as built) and writes it as its stamp last (bin/validators.ts), so the suites' globalSetup
// rebuilds only when an input changed or the output is missing (`npm ci` has just built).
// Plain JavaScript: the build runs it on node before anything is compiled.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const STAMP = 'dist/build-inputs.sha256';
const PENDING = 'dist/build-inputs.pending';
/** What a build must have left for a run to use it (a command and the validators' folder). */
const OUTPUTS = ['dist/cli/conformance.mjs', 'dist/validators'];
const INPUT_DIRS = ['src', 'schemas'];
const INPUT_FILES = [
  'bin/build-inputs.mjs',
  'bin/validators.ts',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
  'node_modules/.package-lock.json',
];

const filesUnder = (dir) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name))
    : [];

/** The digest of the build's inputs as they are on disk now (path and bytes of each, in a fixed order). */
export function buildInputsDigest(root = ROOT) {
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
export function builtFromCurrentInputs(root = ROOT) {
  const stamp = join(root, STAMP);
  if (!existsSync(stamp) || !OUTPUTS.every((o) => existsSync(join(root, o)))) return false;
  return readFileSync(stamp, 'utf8').trim() === buildInputsDigest(root);
}

/** The build's last step: the digest taken before it started becomes the stamp of what it built. */
export function stampBuild(root = ROOT) {
  if (existsSync(join(root, PENDING))) renameSync(join(root, PENDING), join(root, STAMP));
}

// Run as a script (the build's first step): the old stamp goes (a build that stops half-way is no
// build of anything), and the digest of the inputs it is about to build from waits for its end.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  rmSync(join(ROOT, STAMP), { force: true });
  mkdirSync(dirname(join(ROOT, PENDING)), { recursive: true });
  writeFileSync(join(ROOT, PENDING), `${buildInputsDigest()}\n`);
}
