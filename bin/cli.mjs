// What each npm script starts: `node bin/cli.mjs <command> args…` runs dist/cli/<command>.mjs as if
// node had been given it. dist/ is built by npm ci (its prepare script); a clone where it is missing
// gets one line saying so, not node's stack trace for a module it cannot find.

import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';
import { nodeProblem } from './check-node.mjs';

const problem = nodeProblem();
if (problem) {
  console.error(problem);
  process.exit(2);
}

// Node keeps the code it compiles (dist's bundles, the build's validators) in its cache on disk
// (os.tmpdir()/node-compile-cache; NODE_DISABLE_COMPILE_CACHE=1 turns it off): a command started
// again skips parsing them, which was most of its start-up.
module.enableCompileCache();

const [command] = process.argv.splice(2, 1);
const bundle = new URL(`../dist/cli/${command}.mjs`, import.meta.url);
if (!command || !existsSync(bundle)) {
  console.error(
    `${command ?? 'bin/cli.mjs'}: ${fileURLToPath(bundle)} is not built: run npm ci (it builds dist/), or npm run build`,
  );
  process.exit(2);
}
// The command runs when it is the script node was started with (src/cli/run.ts, runIfMain).
process.argv[1] = fileURLToPath(bundle);
await import(bundle.href);
