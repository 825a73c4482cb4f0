// vitest globalSetup: the suites run the commands as `npm run` does, from dist/; build it first so
// a direct `vitest run` never tests a stale bundle. Where the sources must be present (the CI
// workflow sets CONFORMANCE_REQUIRE_SOURCES=true), their absence fails the run instead of skipping
// the suites that need them.

import { execFileSync } from 'node:child_process';
import { missingSourceReason, PROJECT_ROOT, sourcePaths } from '../../src/sources/paths';

export default function setup(): void {
  if (process.env.CONFORMANCE_REQUIRE_SOURCES === 'true') {
    const missing = missingSourceReason(sourcePaths({}, { ...process.env, TWILIO_DOCS_PAGE: '' }));
    if (missing) throw new Error(`CONFORMANCE_REQUIRE_SOURCES=true, and the suites ${missing}`);
  }
  execFileSync('npm', ['run', '-s', 'build'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
}
