/**
 * The unit tests that pin the money code, for mutation testing (npm run test:mutation). No global
 * setup (no build), nothing that loads a native addon: StrykerJS's vitest runner runs them in its own
 * worker pool, where serialport's addon would abort.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/unit/core/journal.test.ts',
      'test/unit/core/journal-chain.test.ts',
      'test/unit/core/journal-recover.test.ts',
      'test/unit/card/outcome-ledger.test.ts',
      'test/unit/card/pure.test.ts',
      'test/unit/card/verify.test.ts',
      'test/unit/cash/note-flow.test.ts',
      'test/unit/cash/ledger.test.ts',
    ],
    testTimeout: 30_000,
  },
});
