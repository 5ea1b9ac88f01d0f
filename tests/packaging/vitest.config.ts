import { defineConfig } from 'vitest/config';
// For its Map.groupBy shim: without it a failing test crashes vitest's reporter on Node 20.
import '../../scripts/vitest-package.ts';

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
