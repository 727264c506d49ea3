import { describe, expect, it } from 'vitest';
import type { JobProcessor, RateLimit } from '../src/index.js';
import { backends, queueUnderTest } from './support/queue-under-test.js';
import { createStartTimes, measuringSlackMs, mostStartsWithin } from './support/start-times.js';

describe.each(backends)('queue-wide rate limit (%s)', (_name, createQueue) => {
  const { workers, open } = queueUnderTest();

  it('starts at most max jobs per window across two workers, whatever their tenants', async () => {
    const queue = open(createQueue);
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
