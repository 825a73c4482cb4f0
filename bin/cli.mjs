// What each npm script starts: `node bin/cli.mjs <command> args…` runs dist/cli/<command>.mjs as if
// node had been given it. dist/ is built by npm ci (its prepare script); a clone where it is missing
// gets one line saying so, not node's stack trace for a module it cannot find.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
