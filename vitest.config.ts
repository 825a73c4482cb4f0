import { defineConfig } from 'vitest/config';

// No colour codes where the output is not a terminal: `npm test` passes --no-color to vitest itself
// then, and the forks (assertion diffs) inherit this.
if (!process.stdout.isTTY && !('FORCE_COLOR' in process.env)) process.env.NO_COLOR = '1';

export default defineConfig({
  test: {
    include: ['suites/**/*.test.ts'],
    // Pact's native library is not safe to load in worker threads.
    pool: 'forks',
    // The suites call the commands in-process and are CPU-bound now: one file per core. Three forks
    // took 25 % more CPU for the same work, and four starved Pact's mock server now and then.
    maxWorkers: 2,
    // A fork keeps its modules from one file to the next (ajv, fast-check, Pact's core are loaded
    // once per fork, not per file). No suite stubs globals or the environment; the one process-wide
    // side effect, nock's interception, ends with each cassette replay.
    isolate: false,
    globalSetup: ['suites/support/build.ts'],
    // Quiet on green: a line per file, every skip's reason; what a test prints is shown only when it
    // fails (the consumer defects twilio-node is known for are printed by passing tests).
    reporters: ['./suites/support/reporter.ts', ['junit', { outputFile: 'reports/tests.junit.xml' }]],
    silent: 'passed-only',
    testTimeout: 60_000,
    env: { PACT_DO_NOT_TRACK: 'true' },
  },
});
