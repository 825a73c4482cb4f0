// vitest globalSetup: every folder the suites make (mkdtemp under os.tmpdir(): reports, journals,
// pacts, cassettes; the commands' children inherit it) goes into one scratch folder of this run,
// removed when the run ends. A run used to leave ~800 folders in /tmp; after some weeks of CI on one
// machine, tens of thousands. Node's compile cache stays where it was (os.tmpdir() of the caller), so
// the commands the suites start keep starting on compiled code; what it compiled of files inside the
// scratch folder (a copy of the validators, a hook) goes with the folder, or the cache would grow by
// ~0.75 MB a run. To read what a failing test wrote (its report folder), CONFORMANCE_KEEP_TEST_FILES=1
// keeps the folder and prints where it is.

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const outer = tmpdir();
  process.env.NODE_COMPILE_CACHE ??= join(outer, 'node-compile-cache');
  const cache = process.env.NODE_COMPILE_CACHE;
  const scratch = mkdtempSync(join(outer, 'conformance-suites-'));
  const since = Date.now() - 1000;
  process.env.TMPDIR = scratch;
  return () => {
    process.env.TMPDIR = outer;
    if (process.env.CONFORMANCE_KEEP_TEST_FILES === '1')
      console.log(`the suites' folders are kept in ${scratch} (CONFORMANCE_KEEP_TEST_FILES=1)`);
    else {
      rmSync(scratch, { recursive: true, force: true });
      forgetCompiled(cache, scratch, since);
    }
  };
}

const entries = (dir: string): string[] => {
  try {
    return readdirSync(dir).map((name) => join(dir, name));
  } catch {
    return [];
  }
};

/**
 * Removes the entries of Node's compile cache (one folder per Node build, one file per compiled
 * file, each naming its source's path) written since the run began for a file inside `folder`.
 * Anything else is left; a format that names no path leaves everything.
 */
export function forgetCompiled(cache: string, folder: string, since: number): number {
  const needle = Buffer.from(`${folder}/`);
  let removed = 0;
  for (const file of entries(cache).flatMap(entries))
    try {
      if (statSync(file).mtimeMs < since || !readFileSync(file).includes(needle)) continue;
      rmSync(file, { force: true });
      removed++;
    } catch {
      // Gone meanwhile, or not a file: nothing to forget.
    }
  return removed;
}
