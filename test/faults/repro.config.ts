/** Runs the reproductions of open findings (test/faults/*.repro.ts); not part of CI. */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['test/faults/*.repro.ts'], globalSetup: ['test/helpers/global-setup.ts'], testTimeout: 90_000, hookTimeout: 30_000, pool: 'forks' },
});
