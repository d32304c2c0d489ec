// Vitest settings for mutation runs (`npm run mutate`): only the fast, in-process test files that cover
// the mutated modules, and no global set-up (nothing here spawns the bundled server).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'tests/commerce/ledger.test.ts',
      'tests/commerce/ledger-property.test.ts',
      'tests/commerce/ledger-redeem.test.ts',
      'tests/commerce/people-sessions.test.ts',
      'tests/commerce/readings.test.ts',
      'tests/edge/journal.test.ts',
      'tests/edge/device-auth.test.ts',
      'tests/commerce/webhook-signature.test.ts',
      'tests/edge/journal-dedup.test.ts',
      'tests/commerce/idempotency-keys.test.ts',
      'tests/commerce/access-scope.test.ts',
      'tests/commerce/refresh-token-rotation.test.ts',
    ],
    pool: 'forks',
    testTimeout: 90_000,
    hookTimeout: 150_000,
    maxWorkers: 1,
  },
});
