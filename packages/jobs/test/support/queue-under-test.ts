import { afterEach } from 'vitest';
import { createInProcessJobs, type JobQueue, type JobWorker } from '../../src/index.js';
import { createTestQueue } from './redis-test-queue.js';

export type NamedJobQueue = JobQueue<{ name: string }, string>;

/** Both back ends, for `describe.each`: in process, and BullMQ on the machine's Redis. */
export const backends: Array<[string, () => NamedJobQueue]> = [
  ['in process', () => createInProcessJobs()],
  ['BullMQ on Redis', () => createTestQueue()],
];

/**
 * The queue a test opens and the workers it starts, closed after each test (and a Redis
 * queue's keys deleted), so no test leaves anything running or stored.
 */
export function queueUnderTest() {
  let queue: NamedJobQueue | undefined;
  const workers: JobWorker[] = [];
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.close();
    if (queue && 'destroy' in queue) await (queue.destroy as () => Promise<void>)();
    await queue?.close();
    queue = undefined;
  });
  return {
    workers,
    open(create: () => NamedJobQueue): NamedJobQueue {
      queue = create();
      return queue;
    },
  };
}
