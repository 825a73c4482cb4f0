import { defineConfig } from 'vitest/config';

// No colour codes where the output is not a terminal: `npm test` passes --no-color to vitest itself
// then, and the forks (assertion diffs) inherit this.
if (!process.stdout.isTTY && !('FORCE_COLOR' in process.env)) process.env.NO_COLOR = '1';

export default defineConfig({
  test: {
    include: ['suites/**/*.test.ts'],
    // Pact's native library is not safe to load in worker threads.
    pool: 'forks',
    // Three forks on the 2-core machines: a file waiting on its providers (processing, a deadline, a
    // cleanup held back) leaves its core to another file. Measured 2026-12-03 (891 tests, load 2-4,
    // every process counted): vitest 28-32 s with three, 40 s with two, for the same CPU (47-55 s);
    // four, 30 s, no faster (and once starved Pact's mock server).
    maxWorkers: 3,
    // A fork keeps its modules from one file to the next (ajv, fast-check, Pact's core are loaded
    // once per fork, not per file). No suite stubs globals or the environment; the one process-wide
    // side effect, nock's interception, ends with each cassette replay.
    isolate: false,
    globalSetup: ['suites/support/scratch.ts', 'suites/support/build.ts'],
    // Quiet on green: a line per file, every skip's reason; what a test prints is shown only when it
    // fails (the consumer defects twilio-node is known for are printed by passing tests).
    reporters: ['./suites/support/reporter.ts', ['junit', { outputFile: 'reports/tests.junit.xml' }]],
    silent: 'passed-only',
    testTimeout: 60_000,
    env: { PACT_DO_NOT_TRACK: 'true' },
  },
});
