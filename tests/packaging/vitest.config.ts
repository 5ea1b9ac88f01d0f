import { defineConfig } from 'vitest/config';

// Packing, installing from the npm registry and starting Node several times is slow on a
// shared two-core machine: allow five minutes.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
