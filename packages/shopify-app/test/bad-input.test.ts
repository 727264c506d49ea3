import { readFixture, startMediaServer } from '@backdrop/testkit';
import { TEST_SHOP } from '@shopify/shopify-api/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createItemWork } from '../app/jobs/item-work.server';
import { createInProcessJobRunner } from '../app/jobs/job-runner.server';
import { startTestApp, type TestApp } from './test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

describe('bad input', () => {
  it('fails only the bad items, each with a clear reason; the others finish', async () => {
    const cdn = await startMediaServer();
    try {
      const huge = cdn.addFile('/huge.jpg', new Uint8Array(50_000_000), 'image/jpeg');
      const text = cdn.addFile('/notes.jpg', new TextEncoder().encode('not an image at all'), 'image/jpeg');
      const good = cdn.addFile('/mug.jpg', await readFixture('ruby_mug.jpg'), 'image/jpeg');
      const elsewhere = 'https://example.com/photo.jpg';
      const item = (title: string, url: string) => ({
        productId: `gid://shopify/Product/${title.length}`,
        productTitle: title,
        originalMediaId: `gid://shopify/MediaImage/${title.length}`,
        originalUrl: url,
        originalAlt: null,
        originalPosition: 0,
        originalVariantIds: [],
      });
      const { store, backdrop } = app.services;
      const job = await store.createJob({
        shop: TEST_SHOP,
        operation: { kind: 'color', color: '#ffffff' },
        provider: 'local',
        estimatedCostUsd: 0,
        items: [
          item('Huge', huge),
          item('Text file', text),
          item('Good one', good),
          item('Not on the CDN', elsewhere),
        ],
      });
      const runner = createInProcessJobRunner({
        store,
        handle: createItemWork({
          store,
          backdrop,
          imageHosts: [new URL(cdn.origin).host],
          adminFor: () => Promise.reject(new Error('no Admin API call is needed to process')),
        }),
      });
      await runner.start();
      await runner.idle();
      await runner.close();
      const outcome = Object.fromEntries(
        (await store.items(job.id)).map((row) => [row.productTitle, [row.state, row.error]]),
      );
      expect(outcome).toEqual({
        Huge: ['failed', 'The image is larger than 20 MB, Shopify’s limit for product images'],
        'Text file': ['failed', expect.stringMatching(/image/i)],
        'Good one': ['ready', null],
        'Not on the CDN': [
          'failed',
          'The image is not on Shopify’s CDN (example.com); it was not downloaded',
        ],
      });
      expect(cdn.requests.map((request) => request.path)).not.toContain('/photo.jpg');
    } finally {
      await cdn.close();
    }
  });
});
