import { afterEach, describe, expect, it } from 'vitest';
import {
  createInProcessJobs,
  type JobProcessor,
  type JobQueue,
  type JobWorker,
  type RateLimit,
} from '../src/index.js';
import { createTestQueue } from './support/redis-test-queue.js';
import { createStartTimes, measuringSlackMs, mostStartsWithin } from './support/start-times.js';

type Queue = JobQueue<{ name: string }, string>;

const backends: Array<[string, () => Queue]> = [
  ['in process', () => createInProcessJobs()],
  ['BullMQ on Redis', () => createTestQueue()],
];

describe.each(backends)('queue-wide rate limit (%s)', (_name, createQueue) => {
  let queue: Queue | undefined;
  const workers: JobWorker[] = [];

  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.close();
    if (queue && 'destroy' in queue) await (queue.destroy as () => Promise<void>)();
    await queue?.close();
    queue = undefined;
  });

  it('starts at most max jobs per window across two workers, whatever their tenants', async () => {
    queue = createQueue();
    const rateLimit: RateLimit = { max: 2, durationMs: 500 };
    const startTimes = createStartTimes();
    const processor: JobProcessor<{ name: string }, string> = async ({ tenant, data }) => {
      startTimes.record(tenant);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return data.name;
    };
    for (let count = 0; count < 2; count++)
      workers.push(queue.startWorker(processor, { concurrency: 2, rateLimit }));
    const ids: string[] = [];
    for (let count = 1; count <= 6; count++)
      ids.push(
        await queue.enqueue({ name: `job${count}` }, { tenant: count % 2 === 0 ? 'shop-a' : undefined }),
      );
    for (const id of ids) expect((await queue.waitFor(id)).state).toBe('completed');

    const starts = startTimes.all();
    expect(starts).toHaveLength(6);
    expect(mostStartsWithin(starts, rateLimit.durationMs - measuringSlackMs)).toBeLessThanOrEqual(
      rateLimit.max,
    );
  });
});
