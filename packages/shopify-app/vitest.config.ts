import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file starts its own fake shop and database; the local engine is CPU-heavy on 2 cores.
    fileParallelism: false,
    // Guards, not targets: the local engine shares 2 cores with everything else on a CI machine.
    testTimeout: 600_000,
    hookTimeout: 300_000,
    env: {
      SHOPIFY_TESTING: '1',
      SHOPIFY_API_KEY: 'testApiKey',
      SHOPIFY_API_SECRET: 'testApiSecretKey',
      SHOPIFY_APP_URL: 'https://my-test-app.myshopify.io',
    },
  },
});
