import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFalEmulator, startOwnRedis } from '@backdrop/testkit';
import { TEST_SHOP } from '@shopify/shopify-api/test-helpers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRemovalJob } from './support/removal-job';
import { startTestApp, type TestApp } from './test-app';

// A small deployment on Redis with no separate worker: BACKDROP_WORK_IN_APP=1 lets the web
// instance run the jobs it queues (here on SQLite, one machine).
let app: TestApp;
let fal: Awaited<ReturnType<typeof startFalEmulator>>;
let redis: Awaited<ReturnType<typeof startOwnRedis>>;

beforeAll(async () => {
  fal = await startFalEmulator({ queueMs: 100 });
  redis = await startOwnRedis();
  Object.assign(process.env, {
    REDIS_URL: redis.url,
    BACKDROP_WORK_IN_APP: '1',
    FAL_KEY: 'test-fal-key',
    BACKDROP_FAL_PROXY_URL: fal.proxyUrl,
    BACKDROP_ALLOW_PRIVATE_ADDRESSES: '127.0.0.1',
  });
  app = await startTestApp({
    databaseUrl: `file:${join(mkdtempSync(join(tmpdir(), 'backdrop-work-in-app-')), 'app.sqlite')}`,
  });
});

afterAll(async () => {
  await app?.close();
  await app?.services.adminBudget.close();
  await redis?.kill();
  await fal?.close();
});

it('runs the jobs it queues on Redis itself, with no worker process', async () => {
  const { store, runner } = app.services;
  const job = await createRemovalJob({
    shopify: app.shopify,
    store,
    productIds: app.products.slice(0, 2).map((product) => product.id),
    provider: 'fal',
  });
  await runner.notify(TEST_SHOP);
  await runner.idle();
  const rows = await store.items(job.id);
  expect(rows.map((row) => [row.state, row.provider, row.error])).toEqual([
    ['ready', 'fal', null],
    ['ready', 'fal', null],
  ]);
  expect(fal.jobs.size).toBe(2);
  // The jobs went through Redis, not an in-memory queue: BullMQ keeps them there, finished.
  const client = new Redis(redis.url);
  try {
    for (const row of rows)
      expect(await client.hget(`backdrop:shopify-process:${row.queueJobId}`, 'finishedOn')).toBeTruthy();
  } finally {
    client.disconnect();
  }
});
