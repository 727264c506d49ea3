import { createHash, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { createRedisJobs } from '@backdrop/jobs';

export const sharedRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A queue name of the test's own (keys `backdrop:<name>:*`), and a way to delete it afterwards. */
export function testQueueName(): string {
  return `cli-test-${randomUUID()}`;
}

export async function destroyQueue(url: string, name: string): Promise<void> {
  const queue = createRedisJobs({ url, name });
  try {
    await queue.destroy();
  } finally {
    await queue.close();
  }
}

/** The id `backdrop batch --queue` gives the job of an output base. */
export function jobIdOf(outputBase: string): string {
  return createHash('sha256').update(resolve(outputBase)).digest('hex').slice(0, 32);
}

export { eventually, freePort, startOwnRedis } from '@backdrop/testkit';
