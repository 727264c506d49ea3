import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobProcessor, JobWorker, RateLimit, RedisJobQueue } from '../src/index.js';
import { backends, queueUnderTest } from './support/queue-under-test.js';
import { createTestQueue, sharedRedisUrl } from './support/redis-test-queue.js';
import { createStartTimes, measuringSlackMs, mostStartsWithin } from './support/start-times.js';

const tenantRateLimit: RateLimit = { max: 2, durationMs: 500 };

describe.each(backends)('per-tenant rate limit (%s)', (_name, createQueue) => {
  const { workers, open } = queueUnderTest();

  it('starts at most max jobs of a tenant per window across two workers, while others go on', async () => {
    const queue = open(createQueue);
    const startTimes = createStartTimes();
    const processor: JobProcessor<{ name: string }, string> = async ({ tenant, data }) => {
      startTimes.record(tenant);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return data.name;
    };
    for (let count = 0; count < 2; count++)
      workers.push(queue.startWorker(processor, { concurrency: 3, tenantRateLimit }));
    // shop-a's backlog is queued first: shop-b and the jobs without a tenant must not wait behind it.
    const ids: string[] = [];
    for (let count = 1; count <= 6; count++)
      ids.push(await queue.enqueue({ name: `a${count}` }, { tenant: 'shop-a' }));
    for (const name of ['b1', 'b2']) ids.push(await queue.enqueue({ name }, { tenant: 'shop-b' }));
    for (const name of ['n1', 'n2', 'n3']) ids.push(await queue.enqueue({ name }));
    for (const id of ids) {
      // A job held back by its tenant's limit spends no attempt.
      expect(await queue.waitFor(id)).toMatchObject({ state: 'completed', attemptsMade: 1 });
    }

    const window = tenantRateLimit.durationMs - measuringSlackMs;
    const shopA = startTimes.of('shop-a');
    expect(shopA).toHaveLength(6);
    expect(mostStartsWithin(shopA, window)).toBeLessThanOrEqual(tenantRateLimit.max);
    expect(mostStartsWithin(startTimes.of('shop-b'), window)).toBeLessThanOrEqual(tenantRateLimit.max);
    // Everyone else started before shop-a's first window freed: nobody queued behind its backlog.
    const firstFreed = shopA[tenantRateLimit.max] ?? 0;
    for (const start of [...startTimes.of('shop-b'), ...startTimes.of('')])
      expect(start).toBeLessThan(firstFreed);
  });

  it('refuses a limit that is not positive integers, naming the option', () => {
    const queue = open(createQueue);
    const processor: JobProcessor<{ name: string }, string> = async ({ data }) => data.name;
    expect(() => queue?.startWorker(processor, { tenantRateLimit: { max: 0, durationMs: 500 } })).toThrow(
      'tenantRateLimit.max must be a positive integer (job starts per window); got 0',
    );
    expect(() => queue?.startWorker(processor, { tenantRateLimit: { max: 2, durationMs: 0.5 } })).toThrow(
      'tenantRateLimit.durationMs must be a positive integer (the window in milliseconds); got 0.5',
    );
    expect(() => queue?.startWorker(processor, { rateLimit: { max: 2, durationMs: -1 } })).toThrow(
      'rateLimit.durationMs must be a positive integer (the window in milliseconds); got -1',
    );
  });
});

describe('per-tenant rate limit keys (BullMQ on Redis)', () => {
  const prefix = `backdrop-test-${randomUUID()}`;
  let queue: RedisJobQueue<{ name: string }, string> | undefined;
  let redis: Redis | undefined;
  let worker: JobWorker | undefined;

  afterEach(async () => {
    await worker?.close();
    await queue?.destroy();
    await queue?.close();
    redis?.disconnect();
  });

  it('keeps a tenant start log only for one window after its latest start', async () => {
    queue = createTestQueue({ prefix });
    redis = new Redis(sharedRedisUrl);
    const limit: RateLimit = { max: 2, durationMs: 300 };
    worker = queue.startWorker(async ({ data }) => data.name, { tenantRateLimit: limit });
    const ids: string[] = [];
    for (const name of ['a1', 'a2', 'a3']) ids.push(await queue.enqueue({ name }, { tenant: 'shop-a' }));
    for (const id of ids) expect((await queue.waitFor(id)).state).toBe('completed');
    const key = `${prefix}:backdrop:tenant-rate:shop-a`;
    // -1 would be a key kept for good; -2 one already gone.
    const timeToLive = await redis.pttl(key);
    expect(timeToLive === -2 || (timeToLive > 0 && timeToLive <= limit.durationMs)).toBe(true);
    await vi.waitFor(async () => expect(await redis?.exists(key)).toBe(0), { timeout: 5_000, interval: 50 });
  });
});
