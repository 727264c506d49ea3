import {
  eventually,
  type FakeShop,
  seedSampleCatalogue,
  startFakeShop,
  startFalEmulator,
  startOwnRedis,
} from '@backdrop/testkit';
import { API_KEY, API_SECRET_KEY, TEST_SHOP } from '@shopify/shopify-api/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOfflineSession } from '../server/serve-built-app';
import { createPostgresDatabase } from './support/postgres-database';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';

// The app scaled out as in production: PostgreSQL for its data, BullMQ on Redis for its jobs, this
// test process as a web instance that only queues, and worker processes (`pnpm worker`) that
// process and write back. The machine's PostgreSQL (a database of its own) and a Redis server of the
// test's own, which one test restarts.

let redis: Awaited<ReturnType<typeof startOwnRedis>>;
let shop: FakeShop;
let fal: Awaited<ReturnType<typeof startFalEmulator>>;
let dropDatabase: () => Promise<void>;
let environment: Record<string, string>;
let services: Awaited<ReturnType<typeof import('../app/services.server')['appServices']>>;
let products: Awaited<ReturnType<typeof seedSampleCatalogue>>;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  shop = await startFakeShop({ shop: TEST_SHOP, restoreRate: 1000, maximumAvailable: 2000 });
  products = await seedSampleCatalogue(shop);
  // Long enough in fal's queue for a worker to be killed while it waits on a paid job.
  fal = await startFalEmulator({ queueMs: 1_500 });
  redis = await startOwnRedis();
  const database = await createPostgresDatabase();
  dropDatabase = database.drop;
  await seedOfflineSession(database.url);
  environment = {
    SHOPIFY_TESTING: '1',
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET_KEY,
    SHOPIFY_APP_URL: 'https://my-test-app.myshopify.io',
    SHOPIFY_ADMIN_API_ORIGIN: shop.origin,
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    BACKDROP_STALL_TIMEOUT_MS: '2000',
    FAL_KEY: 'test-fal-key',
    BACKDROP_FAL_PROXY_URL: fal.proxyUrl,
    BACKDROP_ALLOW_PRIVATE_ADDRESSES: '127.0.0.1',
    INFERENCE_API_KEY: '',
  };
  Object.assign(process.env, environment);
  services = await (await import('../app/services.server')).appServices({ role: 'web' });
});

afterAll(async () => {
  for (const worker of workers) worker.child.kill('SIGKILL');
  await services?.runner.close();
  await services?.adminBudget.close();
  await redis?.kill();
  await (await import('../app/db/app-database.server')).database().then((database) => database.close());
  await dropDatabase?.();
  await fal?.close();
  await shop?.close();
});

async function startWorker(): Promise<WorkerProcess> {
  const worker = await startWorkerProcess(environment);
  workers.push(worker);
  return worker;
}

describe('the app on PostgreSQL and Redis, with worker processes', () => {
  let jobId: string;

  it('a worker killed mid-job: another takes its items over and resumes their fal jobs, paid once', async () => {
    const { store, runner } = services;
    // Imported once the environment is set: the app's modules read it when they load.
    const { createRemovalJob } = await import('./support/removal-job');
    const job = await createRemovalJob({
      shopify: await import('../app/shopify.server'),
      store,
      productIds: products.map((product) => product.id),
      provider: 'fal',
    });
    const items = await store.items(job.id);
    jobId = job.id;
    await runner.notify(TEST_SHOP);

    const doomed = await startWorker();
    // It has taken items and fal has accepted their jobs (the handles are saved at acceptance).
    await eventually(
      async () => (await store.items(job.id)).some((item) => item.providerHandle !== null),
      'a fal job is accepted',
    );
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toBe('SIGKILL');
    const orphaned = (await store.items(job.id)).filter((item) => item.state === 'processing');
    expect(orphaned.length).toBeGreaterThan(0);

    await startWorker();
    await runner.idle();
    const taken = await store.items(job.id);
    // One fal job per image: the takeover resumed the dead worker's jobs instead of paying again.
    expect(fal.jobs.size).toBe(items.length);
    // An image whose start was on its way when the worker died (fal may have taken it, its id was
    // not yet saved) is not sent again: it fails, saying so, until the merchant retries it.
    const inFlight = taken.filter((row) => row.state === 'failed');
    for (const row of inFlight) expect(row.error).toMatch(/it was not sent again, so it is not paid twice/);
    expect(taken.filter((row) => row.state !== 'failed').every((row) => row.state === 'ready')).toBe(true);
    await store.transition(
      TEST_SHOP,
      inFlight.map((row) => row.id),
      ['failed'],
      'pending',
      { startSentAt: null },
    );
    await runner.notify(TEST_SHOP);
    await runner.idle();
    const rows = await store.items(job.id);
    expect(rows.map((row) => [row.productTitle, row.state, row.error])).toEqual(
      rows.map((row) => [row.productTitle, 'ready', null]),
    );
    // The retry, the merchant's choice, is the only job added.
    expect(fal.jobs.size).toBe(items.length + inFlight.length);
    for (const row of rows) {
      expect(row.provider).toBe('fal');
      expect(row.providerHandle).toBeNull();
      expect(row.resultBytes?.length).toBeGreaterThan(1000);
    }
    // A takeover is not a new claim; only the merchant's retry is.
    for (const item of orphaned)
      expect(rows.find((row) => row.id === item.id)?.attempts, 'an orphaned item was taken once more').toBe(
        inFlight.some((row) => row.id === item.id) ? 2 : 1,
      );
  });

  it('two workers write back one shop, each image once; SIGTERM lets a worker finish its job', async () => {
    const { store, runner } = services;
    const second = await startWorker();
    const rows = await store.items(jobId);
    await store.transition(
      TEST_SHOP,
      rows.map((row) => row.id),
      ['ready'],
      'write-queued',
    );
    const before = new Map(products.map((product) => [product.id, shop.describeProduct(product.id)]));
    await runner.notify(TEST_SHOP);
    await eventually(
      async () => (await store.items(jobId)).some((row) => row.state === 'writing'),
      'a write-back starts',
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('finishing the jobs in hand');
    await runner.idle();

    const written = await store.items(jobId);
    expect(written.map((row) => [row.productTitle, row.state, row.error])).toEqual(
      written.map((row) => [row.productTitle, 'written', null]),
    );
    for (const product of products) {
      const now = shop.describeProduct(product.id);
      const original = before.get(product.id);
      // The new image replaced the original in place: same count, a new id, the original's alt.
      expect(now.media).toHaveLength(original?.media.length ?? 0);
      expect(now.media[0]?.id).not.toBe(original?.media[0]?.id);
      expect(now.media[0]?.alt).toBe(original?.media[0]?.alt);
    }
    const attaches = shop.calls.filter((call) => call.fields[0] === 'productUpdate' && !call.throttled);
    expect(attaches).toHaveLength(products.length);
  });

  it('Redis restarted mid-run: workers and the web instance reconnect, the run completes, nothing redone', async () => {
    const { store, runner } = services;
    const rows = await store.items(jobId);
    const job = await store.createJob({
      shop: TEST_SHOP,
      operation: { kind: 'remove', background: 'transparent' },
      provider: 'fal',
      estimatedCostUsd: undefined,
      items: rows.map((row) => ({
        productId: row.productId,
        productTitle: row.productTitle,
        originalMediaId: row.originalMediaId,
        originalUrl: row.originalUrl,
        originalAlt: row.originalAlt,
        originalPosition: row.originalPosition,
        originalVariantIds: row.originalVariantIds,
      })),
    });
    const falJobsBefore = fal.jobs.size;
    await runner.notify(TEST_SHOP);
    await eventually(
      async () => (await store.items(job.id)).some((item) => item.providerHandle !== null),
      'a fal job is accepted',
    );
    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await redis.start();
    await runner.idle();
    const done = await store.items(job.id);
    expect(done.map((row) => [row.productTitle, row.state, row.error])).toEqual(
      done.map((row) => [row.productTitle, 'ready', null]),
    );
    expect(fal.jobs.size - falJobsBefore).toBe(done.length);
    expect(done.every((row) => row.attempts === 1)).toBe(true);
  });
});
