// Vitest settings for mutation runs (`npm run mutate`): only the fast, in-process test files that cover
// the mutated modules (SQLite stores in temp dirs, real journal files, a real broker on loopback), and no
// global set-up: nothing here spawns the bundled server. The slower suites (both store backends, the
// running platform) still cover the same modules in `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'tests/commerce/access-scope.test.ts',
      'tests/commerce/idempotency-keys.test.ts',
      'tests/commerce/ledger-postings.test.ts',
      'tests/commerce/ledger-rules.test.ts',
      'tests/commerce/health-data-access.test.ts',
      'tests/commerce/password-login.test.ts',
      'tests/commerce/refresh-token-rotation.test.ts',
      'tests/commerce/webhook-signature.test.ts',
      'tests/edge/device-auth.test.ts',
      'tests/edge/device-registry.test.ts',
      'tests/edge/journal-ack.test.ts',
      'tests/edge/journal-dedup.test.ts',
      'tests/edge/journal.test.ts',
    ],
    pool: 'forks',
    testTimeout: 90_000,
    hookTimeout: 150_000,
    maxWorkers: 1,
    // Modules stay loaded between the many short runs of a mutation run; each test file still sets up its own
    // store or journal in a temp dir.
    isolate: false,
  },
});
