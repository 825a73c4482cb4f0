// vitest globalSetup: the suites run the commands as `npm run` does, from dist/; build it first so
// a direct `vitest run` never tests a stale bundle. Where the spec must be present (the CI workflow
// fetches it and sets CONFORMANCE_REQUIRE_SOURCES=true), its absence fails the run instead of
// skipping the suites that need it; a docs page stays optional (a fresh fork has none): the suites
// that need one are skipped, and the terminal summary says why.

import { execFileSync } from 'node:child_process';
import { missingSourceReason, PROJECT_ROOT, sourcePaths } from '../../src/sources/paths';

export default function setup(): void {
  if (process.env.CONFORMANCE_REQUIRE_SOURCES === 'true') {
    const missing = missingSourceReason(sourcePaths({}, { ...process.env, TWILIO_DOCS_PAGE: '' }), 'spec');
    if (missing) throw new Error(`CONFORMANCE_REQUIRE_SOURCES=true, and the suites ${missing}`);
  }
  execFileSync('npm', ['run', '-s', 'build'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
}
