import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    // The runner and the package, as the tests run them, built from these sources.
    globalSetup: ['scripts/vitest-global-setup.mjs'],
    // Differential tests boot programs on two machines; give them room.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
