import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFixture } from '../src/fixtures.js';
import { type FakeShop, startFakeShop } from '../src/shopify/fake-shop.js';
import { adminSchema } from '../src/shopify/fake-shop-schema.js';

let shop: FakeShop;
// Shopify's schema is 10 MB of introspection: parse it once, with room for a loaded machine.
beforeAll(() => {
  adminSchema();
}, 120_000);
beforeEach(async () => {
  shop = await startFakeShop({ pollsUntilReady: 1 });
});
afterEach(() => shop.close());

// biome-ignore lint/suspicious/noExplicitAny: GraphQL answers are read field by field in the assertions below.
type GraphqlAnswer = Record<string, any>;

async function graphql(query: string, variables: Record<string, unknown> = {}, token = 'token') {
  const response = await fetch(`${shop.origin}/admin/api/2025-10/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphqlAnswer };
}

describe('fake shop', () => {
  it('rejects an operation the 2025-10 schema rejects, as Shopify does', async () => {
    const unknownField = await graphql('{ products(first: 1) { nodes { id images2 } } }');
    expect(unknownField.status).toBe(200);
    expect(unknownField.body.errors[0].message).toContain('Cannot query field "images2" on type "Product"');
    const wrongArgument = await graphql(
      'mutation { productUpdate(product: { id: "gid://shopify/Product/1" }, media: [{ src: "x" }]) { userErrors { message } } }',
    );
    expect(wrongArgument.body.errors[0].message).toMatch(/CreateMediaInput/);
    expect(wrongArgument.body.data).toBeUndefined();
  });

  it('answers 401 without an access token', async () => {
    const response = await graphql('{ shop { name } }', {}, '');
    expect(response.status).toBe(401);
  });

  it('throttles with HTTP 200, a THROTTLED code and the bucket in extensions.cost', async () => {
    // A bucket that refills one point a second: still empty when the request arrives, however slow the machine.
    await shop.close();
    shop = await startFakeShop({ maximumAvailable: 2000, restoreRate: 1 });
    shop.bucket.drainTo(0);
    const query = '{ products(first: 10) { nodes { id title } } }';
    const { status, body } = await graphql(query);
    expect(status).toBe(200);
    expect(body.errors[0].extensions.code).toBe('THROTTLED');
    expect(body.extensions.cost.requestedQueryCost).toBe(2 + 10 * 1);
    expect(body.extensions.cost.throttleStatus).toMatchObject({ maximumAvailable: 2000, restoreRate: 1 });
    expect(body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(12);
    expect(body.data).toBeUndefined();
    expect(shop.calls.at(-1)?.throttled).toBe(true);
  });

  it('runs a staged upload, attaches, processes, reorders, re-points variants and detaches', async () => {
    const bytes = await readFixture('ruby_mug.jpg');
    const product = await shop.addProduct({
      title: 'Mug',
      images: [
        { bytes, fileName: 'a.jpg', alt: 'first' },
        { bytes, fileName: 'b.jpg', alt: 'second' },
      ],
      variants: [{ title: 'Red', image: 0 }],
    });
    const [firstId] = product.mediaIds;
    const png = await readFixture('solidus_notebook.png');
    const staged = await graphql(
      `mutation($input: [StagedUploadInput!]!) { stagedUploadsCreate(input: $input) { stagedTargets { url resourceUrl parameters { name value } } userErrors { message } } }`,
      {
        input: [
          {
            filename: 'new.png',
            mimeType: 'image/png',
            resource: 'IMAGE',
            httpMethod: 'POST',
            fileSize: String(png.byteLength),
          },
        ],
      },
    );
    const target = staged.body.data.stagedUploadsCreate.stagedTargets[0];
    const form = new FormData();
    for (const parameter of target.parameters) form.append(parameter.name, parameter.value);
    form.append('file', new Blob([png], { type: 'image/png' }), 'new.png');
    expect((await fetch(target.url, { method: 'POST', body: form })).status).toBe(201);

    const attached = await graphql(
      `mutation($product: ProductUpdateInput!, $media: [CreateMediaInput!]) { productUpdate(product: $product, media: $media) { product { media(first: 10) { nodes { id status } } } userErrors { message } } }`,
      {
        product: { id: product.id },
        media: [{ originalSource: target.resourceUrl, alt: 'first', mediaContentType: 'IMAGE' }],
      },
    );
    const nodes = attached.body.data.productUpdate.product.media.nodes;
    const newId = nodes[2].id;
    expect(nodes[2].status).toBe('PROCESSING');
    const status = await graphql(
      'query($ids: [ID!]!) { nodes(ids: $ids) { ... on MediaImage { status } } }',
      { ids: [newId] },
    );
    expect(status.body.data.nodes[0].status).toBe('READY');

    const reorder = await graphql(
      'mutation($id: ID!, $moves: [MoveInput!]!) { productReorderMedia(id: $id, moves: $moves) { job { id done } mediaUserErrors { message } } }',
      { id: product.id, moves: [{ id: newId, newPosition: '0' }] },
    );
    expect(shop.describeProduct(product.id).media.map((media) => media.id)[0]).toBe(firstId);
    await graphql('query($id: ID!) { job(id: $id) { done } }', {
      id: reorder.body.data.productReorderMedia.job.id,
    });
    expect(shop.describeProduct(product.id).media[0]?.id).toBe(newId);

    await graphql(
      'mutation($productId: ID!, $variants: [ProductVariantsBulkInput!]!) { productVariantsBulkUpdate(productId: $productId, variants: $variants) { userErrors { message } } }',
      { productId: product.id, variants: [{ id: product.variants[0]?.id, mediaId: newId }] },
    );
    const detached = await graphql(
      'mutation($files: [FileUpdateInput!]!) { fileUpdate(files: $files) { userErrors { code message } } }',
      { files: [{ id: firstId, referencesToRemove: [product.id] }] },
    );
    expect(detached.body.data.fileUpdate.userErrors).toEqual([]);
    const after = shop.describeProduct(product.id);
    expect(after.media.map((media) => media.alt)).toEqual(['first', 'second']);
    expect(after.variants[0]?.mediaId).toBe(newId);
    expect(shop.state.media.has(firstId as string)).toBe(true);
  });

  it('answers userErrors for a missing product and for an injected failure', async () => {
    const missing = await graphql(
      'mutation($product: ProductUpdateInput!) { productUpdate(product: $product) { userErrors { field message } } }',
      { product: { id: 'gid://shopify/Product/9' } },
    );
    expect(missing.body.data.productUpdate.userErrors).toEqual([
      { field: ['product', 'id'], message: 'Product does not exist' },
    ]);
    shop.injectUserErrors('fileUpdate', [{ field: ['files'], message: 'Boom' }]);
    const injected = await graphql(
      'mutation { fileUpdate(files: [{ id: "gid://shopify/MediaImage/1" }]) { userErrors { message } } }',
    );
    expect(injected.body.data.fileUpdate.userErrors).toEqual([{ message: 'Boom' }]);
  });
});

describe('fake shop costs', () => {
  it('charges the actual cost (what came back) and refunds the rest of the requested cost', async () => {
    const bytes = await readFixture('ruby_mug.jpg');
    await shop.addProduct({
      title: 'Mug',
      images: [{ bytes, fileName: 'a.jpg' }],
      variants: [{ title: 'Red', image: 0 }],
    });
    const { body } = await graphql(
      '{ products(first: 10) { nodes { id media(first: 5) { nodes { id ... on MediaImage { image { url } } } } variants(first: 10) { nodes { id } } } } }',
    );
    // requested: 2 + 10 × (1 + (2 + 5 × (1 + 1)) + (2 + 10 × 1)); actual: 2 + 1 × (1 + (2 + 1 × 2) + (2 + 1)).
    expect(body.extensions.cost.requestedQueryCost).toBe(2 + 10 * (1 + 12 + 12));
    expect(body.extensions.cost.actualQueryCost).toBe(2 + 1 * (1 + 4 + 3));
    expect(2000 - body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThanOrEqual(10);
  });
});
