import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type FakeShop,
  freePort,
  launchChromium,
  seedSampleCatalogue,
  startFakeShop,
} from '@backdrop/testkit';
import {
  API_KEY,
  API_SECRET_KEY,
  BASE64_HOST,
  getJwt,
  TEST_SHOP,
  TEST_SHOP_NAME,
} from '@shopify/shopify-api/test-helpers';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot, seedOfflineSession, serveBuiltApp } from '../../server/serve-built-app';
import { appBridgeStub, polarisStub } from './shopify-admin-stubs';

// Screenshots go to a temporary folder; UPDATE_SCREENSHOTS=1 writes the README's copies in docs/.
const screenshots = process.env.UPDATE_SCREENSHOTS
  ? join(packageRoot, 'docs')
  : mkdtempSync(join(tmpdir(), 'backdrop-shots-'));

let shop: FakeShop;
let server: ChildProcess;
let browser: Browser;
let page: Page;
let appUrl = '';
let products: Awaited<ReturnType<typeof seedSampleCatalogue>> = [];

async function serverReady(url: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  shop = await startFakeShop({ shop: TEST_SHOP, restoreRate: 1000 });
  products = await seedSampleCatalogue(shop);
  const databaseUrl = `file:${join(mkdtempSync(join(tmpdir(), 'backdrop-browser-')), 'app.sqlite')}`;
  await seedOfflineSession(databaseUrl);
  const port = await freePort();
  appUrl = `http://localhost:${port}`;
  server = serveBuiltApp({ port, adminApiOrigin: shop.origin, databaseUrl, stdio: 'ignore' });
  await serverReady(`${appUrl}/`, server);
  browser = await launchChromium();
  const { token } = await getJwt(TEST_SHOP_NAME, API_KEY, API_SECRET_KEY);
  const picked = ['Ruby Mug', 'Notebook', 'Espresso Cup'].map(
    (title) => products.find((product) => product.title === title)?.id ?? '',
  );
  // Shopify's library answers 410 to bots, and headless Chromium says it is one: look like the admin's browser.
  const probe = await browser.newPage();
  const userAgent = (await probe.evaluate(() => navigator.userAgent)).replace('HeadlessChrome', 'Chrome');
  await probe.close();
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, userAgent });
  page = await context.newPage();
  // Waits on the page's state, never on time; the bound is only for a machine that is very busy.
  page.setDefaultTimeout(120_000);
  await page.route('https://cdn.shopify.com/**', (route) => {
    const url = route.request().url();
    if (url.endsWith('/app-bridge.js'))
      return route.fulfill({ contentType: 'text/javascript', body: appBridgeStub(token, picked) });
    if (url.endsWith('/polaris.js'))
      return route.fulfill({ contentType: 'text/javascript', body: polarisStub });
    return route.fulfill({ contentType: 'text/css', body: '' });
  });
  await page.goto(
    `${appUrl}/app/products?embedded=1&shop=${TEST_SHOP}&host=${BASE64_HOST}&id_token=${token}`,
  );
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await shop?.close();
});

const card = (title: string) => page.locator(`[data-item="${title}"]`);

describe('in Chromium, on the built app', () => {
  it('pick 3 products → remove → preview → approve 2, reject 1 → write back → revert', async () => {
    const before = new Map(products.map((product) => [product.id, shop.describeProduct(product.id)]));
    await page.locator('s-table-cell', { hasText: 'Ruby Mug' }).waitFor();
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'products-page.png'), fullPage: true });

    await page.locator('s-button', { hasText: 'Pick products' }).click();
    await page.locator('s-button', { hasText: 'Start (3 selected)' }).click();
    await page.waitForURL(/\/app\/jobs\//);
    for (const title of ['Ruby Mug', 'Notebook', 'Espresso Cup'])
      await card(title).and(page.locator('[data-state="ready"]')).waitFor({ timeout: 540_000 });
    // The page survives a reload: the job lives in the database.
    await page.reload();
    await card('Ruby Mug').and(page.locator('[data-state="ready"]')).waitFor();
    await page
      .locator('[data-item="Ruby Mug"] img[alt="Ruby Mug after"]')
      .evaluate((image: HTMLImageElement) => image.decode());
    await page.screenshot({ path: join(screenshots, 'preview-grid.png'), fullPage: true });

    await card('Ruby Mug').locator('s-button', { hasText: 'Approve' }).click();
    await card('Ruby Mug').and(page.locator('[data-state="approved"]')).waitFor();
    await card('Notebook').locator('s-button', { hasText: 'Approve' }).click();
    await card('Notebook').and(page.locator('[data-state="approved"]')).waitFor();
    await card('Espresso Cup').locator('s-button', { hasText: 'Reject' }).click();
    await card('Espresso Cup').and(page.locator('[data-state="rejected"]')).waitFor();
    await page.locator('s-button', { hasText: 'Write back 2 approved' }).click();
    await card('Ruby Mug').and(page.locator('[data-state="written"]')).waitFor({ timeout: 120_000 });
    await card('Notebook').and(page.locator('[data-state="written"]')).waitFor({ timeout: 120_000 });

    // The shop holds the new media in the old positions, with the old alt text and variants.
    const mug = products.find((product) => product.title === 'Ruby Mug');
    const mugBefore = before.get(mug?.id ?? '');
    const mugAfter = shop.describeProduct(mug?.id ?? '');
    expect(mugAfter.media[0]?.id).not.toBe(mugBefore?.media[0]?.id);
    expect(mugAfter.media.map((media) => media.alt)).toEqual(mugBefore?.media.map((media) => media.alt));
    expect(mugAfter.variants[0]?.mediaId).toBe(mugAfter.media[0]?.id);
    const espresso = products.find((product) => product.title === 'Espresso Cup')?.id ?? '';
    expect(shop.describeProduct(espresso)).toEqual(before.get(espresso));

    await page.locator('s-button', { hasText: 'Revert all' }).click();
    await card('Ruby Mug').and(page.locator('[data-state="reverted"]')).waitFor({ timeout: 120_000 });
    await card('Notebook').and(page.locator('[data-state="reverted"]')).waitFor({ timeout: 120_000 });
    for (const product of products) expect(shop.describeProduct(product.id)).toEqual(before.get(product.id));
  });
});
