// `pnpm --filter @backdrop/shopify-app bench`: time per image through the fake shop and the local
// engine, and through the fake shop and the fal emulator, Admin API points per image written, and a 200-product write-back under Shopify's
// Standard-plan leaky bucket (2,000 points, 100 restored per second). Prints medians and ratios.
import { mkdtempSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFixture, seedSampleCatalogue, startFakeShop, startFalEmulator } from '@backdrop/testkit';
import { setUpValidSession, TEST_SHOP } from '@shopify/shopify-api/test-helpers';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

const shop = await startFakeShop({ shop: TEST_SHOP, maximumAvailable: 2000, restoreRate: 100 });
await seedSampleCatalogue(shop);
const mug = await readFixture('ruby_mug.jpg');
const bulk = [];
for (let index = 0; index < 200; index++)
  bulk.push(
    await shop.addProduct({
      title: `Bulk product ${String(index).padStart(3, '0')}`,
      images: [{ bytes: mug, fileName: `bulk-${index}.jpg`, alt: `Bulk ${index}` }],
      variants: [{ title: 'Default Title', image: 0 }],
    }),
  );

process.env.SHOPIFY_TESTING = '1';
process.env.SHOPIFY_API_KEY = 'testApiKey';
process.env.SHOPIFY_API_SECRET = 'testApiSecretKey';
process.env.SHOPIFY_APP_URL = 'https://my-test-app.myshopify.io';
process.env.SHOPIFY_ADMIN_API_ORIGIN = shop.origin;
process.env.DATABASE_URL = `file:${join(mkdtempSync(join(tmpdir(), 'backdrop-bench-')), 'app.sqlite')}`;
const shopify = await import('../app/shopify.server');
await shopify.sessionStorage.storeSession(setUpValidSession({ shop: TEST_SHOP }));
const { createAdminApi } = await import('../app/admin/admin-api.server');
const { createItemWork } = await import('../app/jobs/item-work.server');
const { createInProcessJobRunner } = await import('../app/jobs/job-runner.server');
const { itemsForProducts } = await import('../app/products/product-catalogue.server');
const { createJobStore } = await import('../app/jobs/job-store.server');
const { createEngine } = await import('../app/processing/backdrop-engine.server');
const { database } = await import('../app/db/app-database.server');

const store = createJobStore(await database());
const backdrop = createEngine({});
const adminFor = async () =>
  createAdminApi({
    shop: TEST_SHOP,
    graphql: (await shopify.unauthenticated.admin(TEST_SHOP)).admin.graphql,
  });
const durations = new Map<string, number[]>();
const api = await adminFor();

/** A job runner over `engine` that times each item's work under `<prefix><kind>`. */
async function timedRunner(engine: ReturnType<typeof createEngine>, prefix = '') {
  const work = createItemWork({
    store,
    backdrop: engine,
    adminFor,
    imageHosts: [new URL(shop.origin).host],
    pollIntervalMs: 100,
  });
  const runner = createInProcessJobRunner({
    store,
    handle: work,
    onWorkDone: ({ kind, milliseconds }) => {
      const key = `${prefix}${kind}`;
      durations.set(key, [...(durations.get(key) ?? []), milliseconds]);
    },
  });
  await runner.start();
  return runner;
}

const samples = shop.state.products.size - bulk.length;
const sampleIds = [...shop.state.products.keys()].slice(0, samples);

/** The six sample products' featured images removed through `runner` (2 at a time): wall time and rows. */
async function processSamples(
  runner: Awaited<ReturnType<typeof timedRunner>>,
  provider: Parameters<typeof store.createJob>[0]['provider'],
) {
  const job = await store.createJob({
    shop: TEST_SHOP,
    operation: { kind: 'remove', background: 'transparent' },
    provider,
    estimatedCostUsd: 0,
    items: await itemsForProducts(api, sampleIds, false),
  });
  const started = performance.now();
  await runner.notify(TEST_SHOP);
  await runner.idle();
  return { wall: performance.now() - started, rows: await store.items(job.id) };
}

// 1. Processing on the local engine.
const runner = await timedRunner(backdrop);
const { wall: processWall, rows: processed } = await processSamples(runner, 'local');

// 1b. The same images through the fal emulator (each job 200 ms in its queue), as a merchant with
// a fal key runs them: read from the shop, uploaded, followed, downloaded, stored for preview.
const { createFal } = await import('@backdrop/fal-adapter');
const fal = await startFalEmulator({ queueMs: 200 });
const falRunner = await timedRunner(
  createEngine({
    adapters: [createFal({ credentials: 'test-fal-key', fetch: fal.fetch })],
    allowPrivateAddresses: ['127.0.0.1'],
  }),
  'fal-',
);
const { wall: falWall, rows: falProcessed } = await processSamples(falRunner, 'fal');

// 2. Write-back of 200 products' images under the Standard plan's bucket.
const png = Buffer.from(await readFixture('solidus_notebook.png'));
const writeJob = await store.createJob({
  shop: TEST_SHOP,
  operation: { kind: 'remove', background: 'transparent' },
  provider: 'local',
  estimatedCostUsd: 0,
  items: await itemsForProducts(
    api,
    bulk.map((product) => product.id),
    false,
  ),
});
for (const row of await store.items(writeJob.id))
  await store.update(row.id, { state: 'approved', resultBytes: png, resultContentType: 'image/png' });
await store.transition(
  TEST_SHOP,
  (await store.items(writeJob.id)).map((row) => row.id),
  ['approved'],
  'write-queued',
);
const originals = new Map(bulk.map((product) => [product.id, shop.describeProduct(product.id).media[0]]));
const firstCall = shop.calls.length;
const started = performance.now();
await runner.notify(TEST_SHOP);
await runner.idle();
const writeWall = performance.now() - started;
const writeCalls = shop.calls.slice(firstCall);
const written = (await store.items(writeJob.id)).filter((row) => row.state === 'written').length;
const points = writeCalls.reduce((total, call) => total + (call.actualCost ?? 0), 0);
const correct = bulk.every((product) => {
  const now = shop.describeProduct(product.id);
  const image = now.media[0];
  const original = originals.get(product.id);
  return (
    now.media.length === 1 &&
    image?.id !== original?.id &&
    image?.alt === original?.alt &&
    now.variants[0]?.mediaId === image?.id
  );
});

console.log(
  `machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`,
);
console.log(
  `processing (local engine, ${processed.length} images, 2 at a time): median ${median(durations.get('process') ?? []).toFixed(0)} ms per image, ${(processWall / processed.length).toFixed(0)} ms per image wall; states ${[...new Set(processed.map((row) => row.state))].join(',')}`,
);
console.log(
  `processing (fal emulator, jobs 200 ms in its queue, ${falProcessed.length} images, 2 at a time): median ${median(durations.get('fal-process') ?? []).toFixed(0)} ms per image, ${(falWall / falProcessed.length).toFixed(0)} ms per image wall; states ${[...new Set(falProcessed.map((row) => row.state))].join(',')}; fal jobs ${fal.jobs.size}`,
);
console.log(
  `write-back (fake shop, Standard plan bucket 2000 points, 100/s): ${written}/200 written in ${(writeWall / 1000).toFixed(1)} s (${(writeWall / 200).toFixed(0)} ms per image), median ${median(durations.get('write') ?? []).toFixed(0)} ms per image of work`,
);
console.log(
  `Admin API: ${writeCalls.length - writeCalls.filter((call) => call.throttled).length} calls answered, ${writeCalls.filter((call) => call.throttled).length} THROTTLED answers waited out, ${(points / 200).toFixed(1)} points per image written (actual cost), bound ${(points / 100 / (writeWall / 1000)).toFixed(2)} of the restore rate used`,
);
console.log(`every product ended with exactly its new image, its alt text and its variant: ${correct}`);
await Promise.all([runner.close(), falRunner.close()]);
await fal.close();
await shop.close();
process.exit(0);
