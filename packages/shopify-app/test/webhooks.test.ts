import { API_SECRET_KEY, getHmac, setUpValidSession, TEST_SHOP } from '@shopify/shopify-api/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminApi } from '../app/admin/admin-api.server';
import { itemsForProducts } from '../app/products/product-catalogue.server';
import { routeArgs } from './admin-request';
import { startTestApp, type TestApp } from './test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

function webhook(topic: string, payload: unknown, options: { secret?: string } = {}): Request {
  const body = JSON.stringify(payload);
  return new Request(`https://my-test-app.myshopify.io/webhooks/${topic}`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-hmac-sha256': getHmac(body, options.secret ?? API_SECRET_KEY),
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': TEST_SHOP,
      'x-shopify-api-version': '2025-10',
      'x-shopify-webhook-id': crypto.randomUUID(),
      'x-shopify-event-id': crypto.randomUUID(),
      'x-shopify-triggered-at': new Date().toISOString(),
    },
  });
}

/** Route actions answer with a Response or throw one (authentication failures). */
async function status(run: () => Promise<unknown>): Promise<number> {
  try {
    const result = await run();
    return result instanceof Response ? result.status : 200;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

async function newJob(titles: string[]) {
  const { admin } = await app.shopify.unauthenticated.admin(TEST_SHOP);
  const api = createAdminApi({ shop: TEST_SHOP, graphql: admin.graphql });
  const ids = titles.map((title) => app.products.find((product) => product.title === title)?.id ?? '');
  // The runner is not notified: the items stay queued, as the webhooks find them mid-job.
  return app.services.store.createJob({
    shop: TEST_SHOP,
    operation: { kind: 'remove', background: 'white' },
    provider: 'local',
    estimatedCostUsd: 0,
    items: await itemsForProducts(api, ids, false),
  });
}

describe('webhooks', () => {
  it('answers 401 to every topic with a bad HMAC, before doing anything', async () => {
    const routes = {
      'app/uninstalled': await import('../app/routes/webhooks.app.uninstalled'),
      'app/scopes_update': await import('../app/routes/webhooks.app.scopes_update'),
      'products/delete': await import('../app/routes/webhooks.products.delete'),
      'customers/data_request': await import('../app/routes/webhooks.customers.data_request'),
      'customers/redact': await import('../app/routes/webhooks.customers.redact'),
      'shop/redact': await import('../app/routes/webhooks.shop.redact'),
    };
    for (const [topic, route] of Object.entries(routes)) {
      expect(
        await status(() => route.action(routeArgs(webhook(topic, { id: 1 }, { secret: 'not-the-secret' })))),
      ).toBe(401);
    }
    expect(await app.shopify.sessionStorage.findSessionsByShop(TEST_SHOP)).toHaveLength(1);
  });

  it('customers/data_request and customers/redact answer 200: the app stores no customer data', async () => {
    const dataRequest = await import('../app/routes/webhooks.customers.data_request');
    const redact = await import('../app/routes/webhooks.customers.redact');
    const payload = { shop_domain: TEST_SHOP, customer: { id: 1, email: 'a@b.c' }, orders_requested: [1] };
    expect(
      await status(() => dataRequest.action(routeArgs(webhook('customers/data_request', payload)))),
    ).toBe(200);
    expect(await status(() => redact.action(routeArgs(webhook('customers/redact', payload))))).toBe(200);
  });

  it('app/scopes_update stores the new scopes on the session', async () => {
    const route = await import('../app/routes/webhooks.app.scopes_update');
    const payload = {
      id: 1,
      previous: ['write_products', 'write_files'],
      current: ['write_products'],
      updated_at: new Date().toISOString(),
    };
    expect(await status(() => route.action(routeArgs(webhook('app/scopes_update', payload))))).toBe(200);
    const [session] = await app.shopify.sessionStorage.findSessionsByShop(TEST_SHOP);
    expect(session?.scope).toBe('write_products');
  });

  it('products/delete skips that product’s items that were not written', async () => {
    const job = await newJob(['Ruby Mug', 'Notebook']);
    const mug = app.products.find((product) => product.title === 'Ruby Mug');
    const route = await import('../app/routes/webhooks.products.delete');
    expect(
      await status(() =>
        route.action(routeArgs(webhook('products/delete', { id: Number(mug?.id.split('/').at(-1)) }))),
      ),
    ).toBe(200);
    expect(
      (await app.services.store.items(job.id)).map((item) => [item.productTitle, item.state, item.error]),
    ).toEqual([
      ['Notebook', 'pending', null],
      ['Ruby Mug', 'skipped', 'The product was deleted in Shopify'],
    ]);
  });

  it('app/uninstalled removes the sessions and stops the shop’s jobs, and is safe to receive twice', async () => {
    const job = await newJob(['Cat Poster']);
    const route = await import('../app/routes/webhooks.app.uninstalled');
    const payload = { id: 1, name: 'Test shop', domain: TEST_SHOP };
    expect(await status(() => route.action(routeArgs(webhook('app/uninstalled', payload))))).toBe(200);
    expect(await status(() => route.action(routeArgs(webhook('app/uninstalled', payload))))).toBe(200);
    expect(await app.shopify.sessionStorage.findSessionsByShop(TEST_SHOP)).toEqual([]);
    expect((await app.services.store.job(TEST_SHOP, job.id))?.state).toBe('stopped');
    expect((await app.services.store.items(job.id)).map((item) => [item.state, item.error])).toEqual([
      ['skipped', 'The app was uninstalled'],
    ]);
  });

  it('shop/redact deletes everything kept about the shop', async () => {
    await app.shopify.sessionStorage.storeSession(setUpValidSession({ shop: TEST_SHOP }));
    const route = await import('../app/routes/webhooks.shop.redact');
    expect(
      await status(() =>
        route.action(routeArgs(webhook('shop/redact', { shop_id: 1, shop_domain: TEST_SHOP }))),
      ),
    ).toBe(200);
    expect(await app.services.store.jobs(TEST_SHOP)).toEqual([]);
    expect(await app.shopify.sessionStorage.findSessionsByShop(TEST_SHOP)).toEqual([]);
  });
});
