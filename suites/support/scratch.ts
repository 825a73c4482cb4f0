// vitest globalSetup: every folder the suites make (mkdtemp under os.tmpdir(): reports, journals,
// pacts, cassettes; the commands' children inherit it) goes into one scratch folder of this run,
// removed when the run ends. A run used to leave ~800 folders in /tmp; after some weeks of CI on one
// machine, tens of thousands. Node's compile cache stays where it was (os.tmpdir() of the caller), so
// the commands the suites start keep starting on compiled code. To read what a failing test wrote
// (its report folder), CONFORMANCE_KEEP_TEST_FILES=1 keeps the folder and prints where it is.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const outer = tmpdir();
  process.env.NODE_COMPILE_CACHE ??= join(outer, 'node-compile-cache');
  const scratch = mkdtempSync(join(outer, 'conformance-suites-'));
  process.env.TMPDIR = scratch;
  return () => {
    process.env.TMPDIR = outer;
    if (process.env.CONFORMANCE_KEEP_TEST_FILES === '1')
      console.log(`the suites' folders are kept in ${scratch} (CONFORMANCE_KEEP_TEST_FILES=1)`);
    else rmSync(scratch, { recursive: true, force: true });
  };
}
