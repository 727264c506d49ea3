import { TEST_SHOP } from '@shopify/shopify-api/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminApi, throttleDelayMs } from '../app/admin/admin-api.server';
import { productMediaQuery, variantsSetMediaMutation } from '../app/admin/admin-operations';
import { callsSince, startTestApp, type TestApp } from './test-app';

let app: TestApp;
beforeAll(async () => {
  // Shopify's Standard plan: an emptied bucket stays short of a product read for seconds, however slow the machine.
  app = await startTestApp({ restoreRate: 100, maximumAvailable: 2000 });
});
afterAll(() => app?.close());

async function adminApi(sleeps: number[] = []) {
  const { admin } = await app.shopify.unauthenticated.admin(TEST_SHOP);
  return createAdminApi({
    shop: TEST_SHOP,
    graphql: admin.graphql,
    sleep: (milliseconds) => {
      sleeps.push(milliseconds);
      return new Promise((resolve) => setTimeout(resolve, milliseconds));
    },
  });
}

describe('throttle-aware Admin API layer', () => {
  it('waits (requested − available) / restoreRate', () => {
    expect(throttleDelayMs(500, { maximumAvailable: 2000, currentlyAvailable: 100, restoreRate: 100 })).toBe(
      4050,
    );
    expect(throttleDelayMs(50, { maximumAvailable: 2000, currentlyAvailable: 100, restoreRate: 100 })).toBe(
      50,
    );
  });

  it('retries a THROTTLED answer (HTTP 200, which Shopify’s client does not retry) after the bucket refills', async () => {
    const sleeps: number[] = [];
    const api = await adminApi(sleeps);
    const product = app.products[0];
    const start = app.shop.calls.length;
    app.shop.bucket.drainTo(0);
    const { product: read } = await api.request(productMediaQuery, { id: product?.id ?? '' });
    expect(read?.id).toBe(product?.id);
    expect(callsSince(app.shop, start)).toEqual([
      'BackdropProductMedia product THROTTLED',
      'BackdropProductMedia product',
    ]);
    const throttled = app.shop.calls[start];
    const cost = throttled?.requestedCost ?? 0;
    // One wait, exactly as long as the bucket the answer reported needs to hold the points asked for.
    expect(sleeps).toEqual([
      throttleDelayMs(
        cost,
        throttled?.throttleStatus ?? { maximumAvailable: 0, currentlyAvailable: 0, restoreRate: 1 },
      ),
    ]);
    expect(sleeps[0]).toBeGreaterThan(0);
    expect(api.usage).toMatchObject({
      throttled: 1,
      calls: 2,
      points: app.shop.calls[start + 1]?.actualCost,
    });
    // Shopify charges what came back, far less than the page sizes asked for.
    expect(app.shop.calls[start + 1]?.actualCost).toBeLessThan(cost / 5);
  });

  it('keeps one shop’s mutations in the order they were asked, throttled or not', async () => {
    const api = await adminApi();
    const product = app.products.find((entry) => entry.title === 'Ruby Mug');
    const [first, second] = product?.mediaIds ?? [];
    const variant = product?.variants[0]?.id ?? '';
    app.shop.bucket.drainTo(0);
    const start = app.shop.calls.length;
    await Promise.all(
      [second, first, second, first].map((mediaId) =>
        api.request(variantsSetMediaMutation, {
          productId: product?.id ?? '',
          variants: [{ id: variant, mediaId }],
        }),
      ),
    );
    const answered = app.shop.calls.slice(start).filter((call) => !call.throttled);
    expect(
      answered.map((call) => (call.variables.variants as Array<{ mediaId: string }>)[0]?.mediaId),
    ).toEqual([second, first, second, first]);
    expect(app.shop.describeProduct(product?.id ?? '').variants[0]?.mediaId).toBe(first);
  });

  it('turns GraphQL errors into a plain-words error without retrying', async () => {
    const api = await adminApi();
    await expect(api.request('query { product(id: "x") { nope } }' as never)).rejects.toThrow(
      /Shopify refused the request: .*Cannot query field "nope"/,
    );
  });
});
