// vitest globalSetup: the suites run the commands as `npm run` does, from dist/; build it first
// unless dist/ is a build of exactly the sources on disk (its digest, bin/build-inputs.mjs), so a
// direct `vitest run` never tests a stale bundle. Where the spec must be present (the CI workflow
// fetches it and sets CONFORMANCE_REQUIRE_SOURCES=true), its absence fails the run instead of
// skipping the suites that need it; a docs page stays optional (a fresh fork has none): the suites
// that need one are skipped, and the terminal summary says why. The verification batch's child
// (verify-batch.ts) is bundled here once, so each child starts on plain node, not on tsx's compiler.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { builtFromCurrentInputs } from '../../bin/build-inputs.mjs';
import { missingSourceReason, PROJECT_ROOT, sourcePaths } from '../../src/sources/paths';
import { VERIFY_BATCH_BUNDLE } from './verify-batch-bundle';

export default function setup(): void {
  if (process.env.CONFORMANCE_REQUIRE_SOURCES === 'true') {
    const missing = missingSourceReason(sourcePaths({}, { ...process.env, TWILIO_DOCS_PAGE: '' }), 'spec');
    if (missing) throw new Error(`CONFORMANCE_REQUIRE_SOURCES=true, and the suites ${missing}`);
  }
  if (!builtFromCurrentInputs())
    execFileSync('npm', ['run', '-s', 'build'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  buildSync({
    entryPoints: [join(PROJECT_ROOT, 'suites/support/verify-batch.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: VERIFY_BATCH_BUNDLE,
    logLevel: 'warning',
  });
}
