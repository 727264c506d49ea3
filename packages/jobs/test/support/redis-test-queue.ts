import { randomUUID } from 'node:crypto';
import { createRedisJobs, type RedisJobQueue, type RedisJobsOptions } from '../../src/index.js';

/** The machine's shared Redis; each test gets a prefix of its own and deletes it afterwards. */
export const sharedRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function createTestQueue<Data, Result>(
  options: Partial<RedisJobsOptions> = {},
): RedisJobQueue<Data, Result> {
  return createRedisJobs<Data, Result>({
    url: sharedRedisUrl,
    prefix: `backdrop-test-${randomUUID()}`,
    retry: { initialDelayMs: 200, maxDelayMs: 1_000 },
    pollIntervalMs: 100,
    ...options,
  });
}
