import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/build-server.ts'],
    pool: 'forks',
    testTimeout: 90_000,
    hookTimeout: 150_000,
    // Suites start real servers on free ports; two cores run two files at a time comfortably.
    maxWorkers: 2,
  },
});
