/** The load run (`npm run test:load`): separate from `npm test` so that it runs alone, on quiet cores. */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/load/*.run.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
