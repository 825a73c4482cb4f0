import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['suites/**/*.test.ts'],
    // Pact's native library is not safe to load in worker threads.
    pool: 'forks',
    // Most suites wait on sockets and child processes, not the CPU: three files at once on two cores
    // (four starved Pact's mock server now and then).
    maxWorkers: 3,
    setupFiles: ['src/polyfills.ts'],
    globalSetup: ['suites/support/build.ts'],
    reporters: ['default', ['junit', { outputFile: 'reports/junit.xml' }]],
    testTimeout: 60_000,
    env: { PACT_DO_NOT_TRACK: 'true' },
  },
});
