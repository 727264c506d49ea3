import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // ffmpeg and image work share two cores with every other package's tests under turbo.
    testTimeout: 60_000,
  },
});
