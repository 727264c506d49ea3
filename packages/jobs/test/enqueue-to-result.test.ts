import { afterEach, describe, expect, it } from 'vitest';
import { createInProcessJobs, type JobQueue, type JobWorker } from '../src/index.js';
import { type ImageJob, type ImageJobResult, startEmulatedBackdrop } from './support/emulated-backdrop.js';
import { createTestQueue } from './support/redis-test-queue.js';

type Emulated = Awaited<ReturnType<typeof startEmulatedBackdrop>>;

const backends: Array<[string, () => JobQueue<ImageJob, ImageJobResult>]> = [
  ['in process', () => createInProcessJobs({ retry: { initialDelayMs: 200 } })],
  ['BullMQ on Redis', () => createTestQueue()],
];

describe.each(backends)('enqueue, process, result (%s)', (_name, createQueue) => {
  let queue: JobQueue<ImageJob, ImageJobResult> | undefined;
  let worker: JobWorker | undefined;
  let emulated: Emulated | undefined;

  afterEach(async () => {
    await worker?.close();
    if (queue && 'destroy' in queue) await (queue.destroy as () => Promise<void>)();
    await queue?.close();
    await emulated?.close();
    queue = worker = emulated = undefined;
  });

  it('runs each job once on the provider and keeps its result', async () => {
    emulated = await startEmulatedBackdrop();
    queue = createQueue();
    worker = queue.startWorker(emulated.processor, { concurrency: 2 });
    const ids = await Promise.all(
      ['a', 'b', 'c'].map((id) => queue?.enqueue({ fixture: 'ruby_mug.jpg' }, { id, tenant: 'shop-1' })),
    );
    for (const id of ids) {
      const record = await queue.waitFor(id ?? '');
      expect(record).toMatchObject({ state: 'completed', tenant: 'shop-1', attemptsMade: 1 });
      expect(record.result).toMatchObject({ provider: 'fal', resumed: false });
      expect(record.result?.bytes).toBeGreaterThan(0);
      // The provider job was saved as soon as fal accepted it.
      expect(record.providerHandle).toMatchObject({ provider: 'fal', operation: 'removeBackground' });
    }
    expect(emulated.starts()).toBe(3);
  });

  it('adds a job with a known id only once', async () => {
    emulated = await startEmulatedBackdrop();
    queue = createQueue();
    await queue.enqueue({ fixture: 'ruby_mug.jpg' }, { id: 'same' });
    await queue.enqueue({ fixture: 'ruby_mug.jpg' }, { id: 'same' });
    worker = queue.startWorker(emulated.processor);
    expect((await queue.waitFor('same')).state).toBe('completed');
    await queue.enqueue({ fixture: 'ruby_mug.jpg' }, { id: 'same' });
    expect((await queue.get('same'))?.state).toBe('completed');
    expect(emulated.starts()).toBe(1);
  });

  it('cancels a running job, and its provider job with it', async () => {
    emulated = await startEmulatedBackdrop({ queueMs: 60_000 });
    queue = createQueue();
    worker = queue.startWorker(emulated.processor);
    const id = await queue.enqueue({ fixture: 'ruby_mug.jpg' });
    // Wait until fal has the job, then cancel.
    while (!(await queue.get(id))?.providerHandle) await new Promise((resolve) => setTimeout(resolve, 50));
    await queue.cancel(id);
    const record = await queue.waitFor(id);
    expect([record.state, record.failure?.code]).toEqual(['cancelled', 'aborted']);
    expect(record.state).toBe('cancelled');
    expect(record.failure?.code).toBe('aborted');
    expect([...emulated.fal.jobs.values()].every((job) => job.cancelled)).toBe(true);
  });

  it('fails at once on what core never retries, and retries what it does', async () => {
    emulated = await startEmulatedBackdrop();
    queue = createQueue();
    worker = queue.startWorker(emulated.processor);
    // 422 from fal on submit: invalid input, final.
    emulated.fal.faults.add({ operation: 'submit', fault: { type: 'status', status: 422 } });
    const refused = await queue.waitFor(await queue.enqueue({ fixture: 'ruby_mug.jpg' }));
    expect(refused).toMatchObject({ state: 'failed', attemptsMade: 1 });
    expect(refused.failure?.retryable).toBe(false);
    // 503 more times than core retries a start: the job's next attempt succeeds.
    emulated.fal.faults.add({ operation: 'submit', fault: { type: 'status', status: 503 }, times: 3 });
    const recovered = await queue.waitFor(await queue.enqueue({ fixture: 'ruby_mug.jpg' }));
    expect(recovered).toMatchObject({ state: 'completed', attemptsMade: 2 });
  });
});
