import { readPixel } from '@backdrop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminFormRequest, adminPageRequest, routeArgs } from './admin-request';
import { callsSince, startTestApp, type TestApp } from './test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const productNamed = (title: string) => {
  const product = app.products.find((entry) => entry.title === title);
  if (!product) throw new Error(title);
  return product;
};

describe('products page', () => {
  it('lists products with their images, searchable and filterable through the Admin API', async () => {
    const { loader } = await import('../app/routes/app.products');
    const all = await loader(routeArgs(await adminPageRequest('/app/products')));
    expect(all.products.map((product) => product.title)).toEqual([
      'Cat Poster',
      'Espresso Cup',
      'Grocery Bags',
      'Notebook',
      'Pickup Truck Model',
      'Ruby Mug',
    ]);
    expect(
      all.products.find((product) => product.title === 'Ruby Mug')?.images.map((image) => image.alt),
    ).toEqual(['A red conical mug on white', 'The mug in use']);
    const titles = async (query: string) =>
      (await loader(routeArgs(await adminPageRequest(`/app/products?${query}`)))).products.map(
        (product) => product.title,
      );
    expect(await titles('search=mug')).toEqual(['Ruby Mug']);
    expect(await titles('vendor=Solidus')).toEqual(['Notebook', 'Ruby Mug']);
    expect(await titles('status=DRAFT')).toEqual(['Grocery Bags']);
    const kitchen = all.collections.find((collection) => collection.title === 'Kitchen')?.id ?? '';
    expect(await titles(`collection=${encodeURIComponent(kitchen)}`)).toEqual([
      'Espresso Cup',
      'Grocery Bags',
      'Ruby Mug',
    ]);
    // The local engine is free: the estimate says so before anything starts.
    expect(all.prices['remove-transparent']).toEqual({ provider: 'local', usd: 0 });
    expect(all.prices.prompt).toMatchObject({
      provider: undefined,
      reason: expect.stringContaining('FAL_KEY'),
    });
  });

  it('refuses a scene from a prompt with no provider key, naming why, before any work', async () => {
    const { action } = await import('../app/routes/app.products');
    const result = await action(
      routeArgs(
        await adminFormRequest('/app/products', {
          productId: productNamed('Notebook').id,
          operation: 'prompt',
          prompt: 'on a marble counter',
        }),
      ),
    );
    expect(result).toEqual({ error: expect.stringContaining('needs a provider') });
    expect(await app.services.store.jobs('test-shop.myshopify.com')).toEqual([]);
  });
});

describe('pick → remove → preview → approve 2, reject 1 → write back → revert', () => {
  let jobId = '';
  const before = new Map<string, ReturnType<TestApp['shop']['describeProduct']>>();

  it('starts a job for the featured images and processes it in the background', async () => {
    for (const product of app.products) before.set(product.id, app.shop.describeProduct(product.id));
    const { action } = await import('../app/routes/app.products');
    const response = (await action(
      routeArgs(
        await adminFormRequest('/app/products', {
          productId: [
            productNamed('Ruby Mug').id,
            productNamed('Notebook').id,
            productNamed('Espresso Cup').id,
          ],
          operation: 'remove-transparent',
          allImages: 'false',
        }),
      ),
    )) as unknown as Response;
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.pathname).toMatch(/^\/app\/jobs\/[0-9a-f-]{36}$/);
    jobId = location.pathname.split('/')[3] ?? '';
    await app.services.runner.idle();

    const { loader } = await import('../app/routes/app.jobs.$id');
    const page = await loader(routeArgs(await adminPageRequest(`/app/jobs/${jobId}`), { id: jobId }));
    expect(page.items.map((item) => [item.productTitle, item.position, item.state])).toEqual([
      ['Espresso Cup', 1, 'ready'],
      ['Notebook', 1, 'ready'],
      ['Ruby Mug', 1, 'ready'],
    ]);
    // The preview is a real cut-out: a PNG with transparency, served behind a signed link.
    const images = await import('../app/routes/images.$itemId.$kind');
    const mug = page.items.find((item) => item.productTitle === 'Ruby Mug');
    const link = new URL(mug?.after ?? '', 'https://my-test-app.myshopify.io');
    const served = (await images.loader(
      routeArgs(new Request(link), { itemId: mug?.id ?? '', kind: 'result' }),
    )) as Response;
    expect(served.headers.get('content-type')).toBe('image/png');
    // The studio background in the corner is gone; the mug in the middle is kept.
    const png = new Uint8Array(await served.arrayBuffer());
    expect((await readPixel(png, 5, 5))[3]).toBe(0);
    expect((await readPixel(png, 600, 700))[3]).toBe(255);
    const forged = (await images.loader(
      routeArgs(new Request(`${link.origin}${link.pathname}?expires=9999999999&signature=x`), {
        itemId: mug?.id ?? '',
        kind: 'result',
      }),
    )) as Response;
    expect(forged.status).toBe(403);
    // Nothing was written to the shop yet.
    for (const product of app.products)
      expect(app.shop.describeProduct(product.id)).toEqual(before.get(product.id));
  });

  it('writes approved results in the originals’ places, call by call, keeping alt text and variants', async () => {
    const { loader, action } = await import('../app/routes/app.jobs.$id');
    const page = await loader(routeArgs(await adminPageRequest(`/app/jobs/${jobId}`), { id: jobId }));
    const itemOf = (title: string) => page.items.find((item) => item.productTitle === title)?.id ?? '';
    const decide = async (intent: string, itemId?: string) =>
      action(
        routeArgs(await adminFormRequest(`/app/jobs/${jobId}`, { intent, ...(itemId ? { itemId } : {}) }), {
          id: jobId,
        }),
      );
    expect(await decide('approve', itemOf('Ruby Mug'))).toEqual({ moved: 1 });
    expect(await decide('approve', itemOf('Notebook'))).toEqual({ moved: 1 });
    expect(await decide('reject', itemOf('Espresso Cup'))).toEqual({ moved: 1 });

    const mug = productNamed('Ruby Mug');
    const mugBefore = before.get(mug.id);
    const start = app.shop.calls.length;
    expect(await decide('write')).toEqual({ moved: 2 });
    await app.services.runner.idle();

    const mugAfter = app.shop.describeProduct(mug.id);
    const newMediaId = mugAfter.media[0]?.id;
    expect(newMediaId).not.toBe(mugBefore?.media[0]?.id);
    expect(mugAfter.media.map((media) => media.alt)).toEqual(mugBefore?.media.map((media) => media.alt));
    expect(mugAfter.media[1]?.id).toBe(mugBefore?.media[1]?.id);
    expect(mugAfter.variants).toEqual([
      { id: mug.variants[0]?.id, mediaId: newMediaId },
      { id: mug.variants[1]?.id, mediaId: mugBefore?.media[1]?.id },
    ]);
    // The original is detached from the product but kept in the shop's files, for revert.
    expect(app.shop.state.media.has(mugBefore?.media[0]?.id ?? '')).toBe(true);
    // The rejected one is untouched.
    expect(app.shop.describeProduct(productNamed('Espresso Cup').id)).toEqual(
      before.get(productNamed('Espresso Cup').id),
    );

    // Call by call for the first item written (items are written one at a time per shop).
    const calls = callsSince(app.shop, start);
    const firstItemCalls = calls.slice(0, calls.indexOf('BackdropFileReferences fileUpdate') + 1);
    expect(firstItemCalls).toEqual([
      'BackdropProductMedia product',
      'BackdropStagedUploadsCreate stagedUploadsCreate',
      'BackdropProductAttachMedia productUpdate',
      'BackdropMediaStatus nodes',
      'BackdropProductReorderMedia productReorderMedia',
      'BackdropJobStatus job',
      'BackdropVariantsSetMedia productVariantsBulkUpdate',
      'BackdropFileReferences fileUpdate',
    ]);
    const attach = app.shop.calls.slice(start).find((call) => call.fields[0] === 'productUpdate');
    expect(attach?.variables).toMatchObject({
      product: { id: mug.id },
      media: [{ alt: 'A red conical mug on white', mediaContentType: 'IMAGE' }],
    });
    const reorder = app.shop.calls.slice(start).find((call) => call.fields[0] === 'productReorderMedia');
    expect(reorder?.variables).toEqual({ id: mug.id, moves: [{ id: newMediaId, newPosition: '0' }] });
    expect(firstItemCalls.filter((line) => line.includes('productUpdate'))).toHaveLength(1);
    expect(firstItemCalls.at(-1)).toBe('BackdropFileReferences fileUpdate');
  });

  it('reverts the whole job: the originals are back exactly (ids, positions, alt, variants)', async () => {
    const { action } = await import('../app/routes/app.jobs.$id');
    expect(
      await action(
        routeArgs(await adminFormRequest(`/app/jobs/${jobId}`, { intent: 'revert' }), { id: jobId }),
      ),
    ).toEqual({
      moved: 2,
    });
    await app.services.runner.idle();
    for (const product of app.products)
      expect(app.shop.describeProduct(product.id)).toEqual(before.get(product.id));
    const { loader } = await import('../app/routes/app._index');
    const history = await loader(routeArgs(await adminPageRequest('/app')));
    expect(history.jobs[0]).toMatchObject({
      id: jobId,
      state: 'done',
      states: { reverted: 2, rejected: 1 },
      costUsd: 0,
    });
  });
});
