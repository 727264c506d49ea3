import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    // Setup hooks make sample media with ffmpeg, sharing two cores with every other package's tests.
    hookTimeout: 60_000,
  },
});
