import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Guards, not assertions: the machine has two cores shared with other suites.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Each file starts its own emulators and Redis keys; one file at a time keeps the load fair.
    fileParallelism: false,
  },
});
