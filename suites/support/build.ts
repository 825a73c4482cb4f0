// vitest globalSetup: the suites run the commands as `npm run` does, from dist/; build it first so
// a direct `vitest run` never tests a stale bundle.

import { execFileSync } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/sources/paths';

export default function setup(): void {
  execFileSync('npm', ['run', '-s', 'build'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
}
