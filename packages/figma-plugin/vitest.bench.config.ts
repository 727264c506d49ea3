import { defineConfig } from 'vitest/config';

// Benchmarks run as one long "test" each: vitest is only the TypeScript runner here. They report
// figures and never fail on them (targets are checked by reading the report, not in CI).
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    testTimeout: 30 * 60 * 1000,
    reporters: ['verbose'],
  },
});
