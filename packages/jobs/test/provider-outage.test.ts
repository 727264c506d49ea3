import { afterEach, describe, expect, it } from 'vitest';
import type { JobWorker, RedisJobQueue } from '../src/index.js';
import { type ImageJob, type ImageJobResult, startEmulatedBackdrop } from './support/emulated-backdrop.js';
import { createTestQueue } from './support/redis-test-queue.js';

let queue: RedisJobQueue<ImageJob, ImageJobResult> | undefined;
let worker: JobWorker | undefined;
let emulated: Awaited<ReturnType<typeof startEmulatedBackdrop>> | undefined;

afterEach(async () => {
  await worker?.close();
  await queue?.destroy();
  await queue?.close();
  await emulated?.close();
  queue = worker = emulated = undefined;
});

describe('a provider outage (the emulator answering 503 for a while)', () => {
  it('jobs back off and finish when it recovers, each paid once', async () => {
    emulated = await startEmulatedBackdrop();
    // Eight 503s: more than core's start retries of one attempt (three), so jobs need more attempts.
    emulated.fal.faults.add({ operation: 'submit', fault: { type: 'status', status: 503 }, times: 8 });
    queue = createTestQueue({ retry: { attempts: 6, initialDelayMs: 200, maxDelayMs: 1_000 } });
    worker = queue.startWorker(emulated.processor, { concurrency: 2 });
    const ids = [
      await queue.enqueue({ fixture: 'ruby_mug.jpg' }),
      await queue.enqueue({ fixture: 'ruby_mug.jpg' }),
    ];
    const records = await Promise.all(ids.map((id) => queue?.waitFor(id)));
    for (const record of records) expect(record?.state).toBe('completed');
    expect(records.some((record) => (record?.attemptsMade ?? 0) > 1)).toBe(true);
    expect(emulated.fal.faults.injected.filter((fault) => fault.operation === 'submit')).toHaveLength(8);
    // 503 before processing means fal took no job: only the two that succeeded exist.
    expect(emulated.fal.jobs.size).toBe(2);
  });

  it('with fallback, a job fal keeps refusing moves to inference.sh', async () => {
    emulated = await startEmulatedBackdrop({ fallback: true });
    emulated.fal.faults.add({ operation: 'submit', fault: { type: 'status', status: 503 }, times: 1_000 });
    queue = createTestQueue();
    worker = queue.startWorker(emulated.processor);
    const record = await queue.waitFor(await queue.enqueue({ fixture: 'ruby_mug.jpg' }));
    expect(record).toMatchObject({ state: 'completed', attemptsMade: 1 });
    expect(record.result?.provider).toBe('inferencesh');
    expect(record.providerHandle?.provider).toBe('inferencesh');
    expect(emulated.fal.jobs.size).toBe(0);
  });

  it('lost status answers keep the provider job: the next attempt resumes it instead of paying again', async () => {
    emulated = await startEmulatedBackdrop({ faultProxy: true, queueMs: 300 });
    // Status reads (GETs through fal's proxy entry) cut off, more than core retries in one attempt.
    emulated.proxy?.add({ method: 'GET', path: /^\/proxy/, fault: 'cut-before', times: 8 });
    queue = createTestQueue({ retry: { attempts: 4, initialDelayMs: 200, maxDelayMs: 1_000 } });
    worker = queue.startWorker(emulated.processor);
    const record = await queue.waitFor(await queue.enqueue({ fixture: 'ruby_mug.jpg' }));
    expect([record.state, record.failure]).toEqual(['completed', undefined]);
    expect(record.attemptsMade).toBeGreaterThan(1);
    expect(record.result?.resumed).toBe(true);
    expect(emulated.fal.jobs.size).toBe(1);
  });
});
