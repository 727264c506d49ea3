import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One npm install (about 700 MB with the model, from npm's cache after the first run) feeds every check.
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
