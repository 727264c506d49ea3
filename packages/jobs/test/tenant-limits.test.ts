import { afterEach, describe, expect, it } from 'vitest';
import { createInProcessJobs, type JobProcessor, type JobQueue, type JobWorker } from '../src/index.js';
import { createTestQueue } from './support/redis-test-queue.js';

type Queue = JobQueue<{ name: string }, string>;

const backends: Array<[string, () => Queue]> = [
  ['in process', () => createInProcessJobs()],
  ['BullMQ on Redis', () => createTestQueue()],
];

describe.each(backends)('per-tenant concurrency (%s)', (_name, createQueue) => {
  let queue: Queue | undefined;
  const workers: JobWorker[] = [];

  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.close();
    if (queue && 'destroy' in queue) await (queue.destroy as () => Promise<void>)();
    await queue?.close();
    queue = undefined;
  });

  it('runs at most the limit of one tenant at once, across workers, while others go on', async () => {
    queue = createQueue();
    const active = new Map<string, number>();
    const most = new Map<string, number>();
    const processor: JobProcessor<{ name: string }, string> = async ({ tenant = '', data }) => {
      active.set(tenant, (active.get(tenant) ?? 0) + 1);
      most.set(tenant, Math.max(most.get(tenant) ?? 0, active.get(tenant) ?? 0));
      await new Promise((resolve) => setTimeout(resolve, 300));
      active.set(tenant, (active.get(tenant) ?? 0) - 1);
      return data.name;
    };
    workers.push(queue.startWorker(processor, { concurrency: 3, tenantConcurrency: 1 }));
    workers.push(queue.startWorker(processor, { concurrency: 3, tenantConcurrency: 1 }));
    const ids: string[] = [];
    for (const name of ['a1', 'a2', 'a3']) ids.push(await queue.enqueue({ name }, { tenant: 'shop-a' }));
    for (const name of ['b1', 'b2']) ids.push(await queue.enqueue({ name }, { tenant: 'shop-b' }));
    for (const id of ids) expect((await queue.waitFor(id)).state).toBe('completed');
    expect(most.get('shop-a')).toBe(1);
    expect(most.get('shop-b')).toBe(1);
  });

  it('starts a tenant’s next job as soon as its running one frees the slot', async () => {
    queue = createQueue();
    const starts: Array<{ name: string; at: number }> = [];
    const ends = new Map<string, number>();
    const processor: JobProcessor<{ name: string }, string> = async ({ data }) => {
      starts.push({ name: data.name, at: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, 100));
      ends.set(data.name, Date.now());
      return data.name;
    };
    workers.push(queue.startWorker(processor, { concurrency: 4, tenantConcurrency: 1 }));
    workers.push(queue.startWorker(processor, { concurrency: 4, tenantConcurrency: 1 }));
    const names = ['a1', 'a2', 'a3', 'a4', 'a5'];
    const ids: string[] = [];
    for (const name of names) ids.push(await queue.enqueue({ name }, { tenant: 'shop-a' }));
    for (const id of ids) expect((await queue.waitFor(id)).state).toBe('completed');
    expect(starts.map((start) => start.name).sort()).toEqual(names);
    // Woken by the freed slot, not by the 3 s look-again delay of a job turned away.
    for (const [index, start] of starts.entries()) {
      if (index === 0) continue;
      const previousEnd = ends.get(starts[index - 1]?.name ?? '') ?? 0;
      expect(start.at - previousEnd).toBeLessThan(2_000);
    }
  });
});
