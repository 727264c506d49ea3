import { readFixture } from '@backdrop/testkit';
import { TEST_SHOP } from '@shopify/shopify-api/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminApi } from '../app/admin/admin-api.server';
import { createItemWork } from '../app/jobs/item-work.server';
import { createInProcessJobRunner } from '../app/jobs/job-runner.server';
import { itemsForProducts } from '../app/products/product-catalogue.server';
import { startTestApp, type TestApp } from './test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const shop = TEST_SHOP;
const productNamed = (title: string) =>
  app.products.find((entry) => entry.title === title) ?? (undefined as never);

async function api() {
  const { admin } = await app.shopify.unauthenticated.admin(shop);
  return createAdminApi({ shop, graphql: admin.graphql });
}

/** A job whose items already have a result (a real PNG), approved and queued for writing. */
async function queuedWrite(titles: string[]) {
  const { store } = app.services;
  const items = await itemsForProducts(
    await api(),
    titles.map((title) => productNamed(title).id),
    false,
  );
  const job = await store.createJob({
    shop,
    operation: { kind: 'remove', background: 'transparent' },
    provider: 'local',
    estimatedCostUsd: 0,
    items,
  });
  const png = Buffer.from(await readFixture('solidus_notebook.png'));
  const rows = await store.items(job.id);
  for (const row of rows)
    await store.update(row.id, { state: 'approved', resultBytes: png, resultContentType: 'image/png' });
  await store.transition(
    shop,
    rows.map((row) => row.id),
    ['approved'],
    'write-queued',
  );
  return { job, rows: () => store.items(job.id) };
}

describe('write-back safety', () => {
  it('a userError fails that item with Shopify’s reason in plain words; the others are written', async () => {
    const before = app.shop.describeProduct(productNamed('Ruby Mug').id);
    const { rows } = await queuedWrite(['Ruby Mug', 'Cat Poster']);
    app.shop.injectUserErrors('productVariantsBulkUpdate', [
      { field: ['variants', '0', 'mediaId'], message: 'Media is still processing', code: 'INVALID_INPUT' },
    ]);
    await app.services.runner.notify(shop);
    await app.services.runner.idle();
    const written = await rows();
    const [mug, poster] = ['Ruby Mug', 'Cat Poster'].map((title) =>
      written.find((row) => row.productTitle === title),
    );
    expect(mug).toMatchObject({
      state: 'failed',
      step: 'moved',
      error: 'Shopify refused to re-point the variants: variants.0.mediaId: Media is still processing',
    });
    expect(poster).toMatchObject({ state: 'written', step: 'written', error: null });
    // The failed item stopped before detaching: the original is still on the product, in place.
    expect(app.shop.describeProduct(productNamed('Ruby Mug').id).media.map((media) => media.id)).toContain(
      before.media[0]?.id,
    );
  });

  it('after a restart mid-write, the item continues where it stopped: the image is attached once', async () => {
    const notebook = productNamed('Notebook');
    const before = app.shop.describeProduct(notebook.id);
    const { rows } = await queuedWrite(['Notebook']);
    const { store, backdrop } = app.services;
    // A first "process": it stops (shutdown) right after Shopify took the new media.
    let firstRunner: ReturnType<typeof createInProcessJobRunner> | undefined;
    let stopping: Promise<void> | undefined;
    const dying = createItemWork({
      store,
      backdrop,
      imageHosts: [new URL(app.shop.origin).host],
      adminFor: async () => {
        const inner = await api();
        return {
          ...inner,
          async request(operation, variables) {
            const result = await inner.request(operation, variables);
            if (operation.includes('productUpdate')) {
              stopping = firstRunner?.close({ handBack: true });
              throw new Error('the process died');
            }
            return result;
          },
        } as typeof inner;
      },
    });
    firstRunner = createInProcessJobRunner({ store, handle: dying });
    await firstRunner.start();
    await firstRunner.idle();
    await stopping;
    expect((await rows())[0]).toMatchObject({ state: 'writing', step: 'attaching' });
    expect(app.shop.calls.filter((call) => call.fields[0] === 'productUpdate')).toHaveLength(3);

    // The restarted process resumes it: it finds the media it attached instead of attaching again.
    const restarted = createInProcessJobRunner({
      store,
      handle: createItemWork({
        store,
        backdrop,
        imageHosts: [new URL(app.shop.origin).host],
        adminFor: () => api(),
      }),
    });
    await restarted.start();
    await restarted.idle();
    await restarted.close();
    const [resumed] = await rows();
    expect(resumed).toMatchObject({ state: 'written', step: 'written', error: null });
    expect(app.shop.calls.filter((call) => call.fields[0] === 'productUpdate')).toHaveLength(3);
    const after = app.shop.describeProduct(notebook.id);
    expect(after.media).toHaveLength(before.media.length);
    expect(after.media[0]?.id).toBe(resumed?.newMediaId);
    expect(after.media[0]?.alt).toBe(before.media[0]?.alt);
  });

  it('after a restart mid-processing, the interrupted item is processed once and the queue goes on', async () => {
    const { store } = app.services;
    const items = await itemsForProducts(
      await api(),
      [productNamed('Espresso Cup').id, productNamed('Pickup Truck Model').id],
      false,
    );
    const job = await store.createJob({
      shop,
      operation: { kind: 'color', color: '#f4f4f4' },
      provider: 'local',
      estimatedCostUsd: 0,
      items,
    });
    const [first] = await store.items(job.id);
    // As a stopped process leaves it: claimed, attempt counted, no result.
    expect((await store.claimItem(first?.id ?? '', 'process'))?.id).toBe(first?.id);
    const processed: string[] = [];
    const runner = createInProcessJobRunner({
      store,
      handle: async (item, kind, signal, attempt) => {
        processed.push(`${item.productTitle} ${kind}`);
        await createItemWork({
          store,
          backdrop: app.services.backdrop,
          imageHosts: [new URL(app.shop.origin).host],
          adminFor: () => api(),
        })(item, kind, signal, attempt);
      },
    });
    await runner.start();
    await runner.idle();
    await runner.close();
    expect(processed.sort()).toEqual(['Espresso Cup process', 'Pickup Truck Model process']);
    expect((await store.items(job.id)).map((item) => [item.productTitle, item.state, item.attempts])).toEqual(
      [
        ['Espresso Cup', 'ready', 1],
        ['Pickup Truck Model', 'ready', 1],
      ],
    );
  });
});
