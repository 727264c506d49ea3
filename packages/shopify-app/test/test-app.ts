import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeShop, seedSampleCatalogue, startFakeShop } from '@backdrop/testkit';
import { setUpValidSession, TEST_SHOP } from '@shopify/shopify-api/test-helpers';

/**
 * The app as its server runs it (routes, Shopify's library, Drizzle storage, job runner), pointed
 * at a fresh fake shop and a fresh SQLite file. The environment must be set before the app's
 * modules load, so they are imported here, after it.
 */
export async function startTestApp(
  options: { restoreRate?: number; maximumAvailable?: number; databaseUrl?: string } = {},
) {
  const shop = await startFakeShop({
    shop: TEST_SHOP,
    restoreRate: options.restoreRate ?? 1000,
    maximumAvailable: options.maximumAvailable ?? 2000,
  });
  const products = await seedSampleCatalogue(shop);
  process.env.SHOPIFY_ADMIN_API_ORIGIN = shop.origin;
  process.env.DATABASE_URL =
    options.databaseUrl ?? `file:${join(mkdtempSync(join(tmpdir(), 'backdrop-shopify-')), 'app.sqlite')}`;
  const shopifyServer = await import('../app/shopify.server');
  await shopifyServer.sessionStorage.storeSession(setUpValidSession({ shop: TEST_SHOP }));
  const services = await import('../app/services.server');
  return {
    shop,
    products,
    shopify: shopifyServer,
    services: await services.appServices(),
    async close() {
      await (await services.appServices()).runner.close({ handBack: true });
      await shop.close();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/** The fake shop's calls since a point, as "operation root-fields" lines. */
export function callsSince(shop: FakeShop, start: number): string[] {
  return shop.calls
    .slice(start)
    .map(
      (call) => `${call.operationName ?? '?'} ${call.fields.join(',')}${call.throttled ? ' THROTTLED' : ''}`,
    );
}
