import { describe, expect, it } from 'vitest';
import type { JobProcessor } from '../src/index.js';
import { backends, queueUnderTest } from './support/queue-under-test.js';

describe.each(backends)('per-tenant concurrency (%s)', (_name, createQueue) => {
  const { workers, open } = queueUnderTest();

  it('runs at most the limit of one tenant at once, across workers, while others go on', async () => {
    const queue = open(createQueue);
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
    const queue = open(createQueue);
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
