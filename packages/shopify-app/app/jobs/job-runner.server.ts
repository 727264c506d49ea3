import type { JobProcessor, JobQueue, JobRetryOptions, JobWorker } from '@backdrop/jobs';
import { createInProcessJobs } from '@backdrop/jobs/in-process';
import type { JobItemRow } from '../db/schema';
import { type JobStore, type QueuedItem, type WorkKind, workKindOf } from './job-store.server';

/**
 * Runs item work in the background on `@backdrop/jobs`: in this process by default, or on
 * BullMQ with REDIS_URL, where any number of app instances enqueue and worker processes work.
 * The database stays the truth about every item; a queue job only says "do this item's work".
 */
export interface JobRunner {
  /** Items of this shop were queued in the database: put them on the queue. */
  notify(shop: string): Promise<void>;
  /** Queues what the database says is waiting (and, in process, what a stop cut off). */
  start(): Promise<void>;
  /** Cancels the shop's queued and running work (the app was uninstalled). */
  stopShop(shop: string): Promise<void>;
  /** Resolves when no item waits or runs, in any process (tests and benchmarks). */
  idle(): Promise<void>;
  /**
   * Stops working. By default the work in hand is finished first (a worker's SIGTERM); with
   * `handBack` it is stopped where it is and left in its work state for whoever runs it next.
   */
  close(options?: { handBack?: boolean }): Promise<void>;
}

/**
 * Does one item's work and records its outcome in the store; returns early once `signal` aborts.
 * It throws only a failure worth another attempt (a provider outage), and never on the final one:
 * the queue then tries again after core's backoff, the item still in its work state.
 */
export type WorkHandler = (
  item: JobItemRow,
  kind: WorkKind,
  signal: AbortSignal,
  attempt: { final: boolean },
) => Promise<void>;

/** What a queue job carries: which item, and which of its work. */
export interface ItemWork {
  shop: string;
  itemId: string;
  kind: WorkKind;
}

export type ItemQueue = JobQueue<ItemWork, void>;

export interface JobRunnerOptions {
  store: JobStore;
  handle: WorkHandler;
  /** Image processing, and writing to Shopify: separate queues with separate per-shop limits. */
  queues: { process: ItemQueue; media: ItemQueue };
  /** Run workers in this process (in process: yes; on Redis: the worker script). */
  work: boolean;
  /** Images one shop has processed at once, across every worker (default 2). Write-back and revert: one at a time per shop. */
  processConcurrency?: number;
  /** Jobs one worker process runs at once on each queue (default 8). */
  workerConcurrency?: number;
  /** Told when this process finished an item's work, with how long it took (logs, benchmarks). */
  onWorkDone?: (done: { kind: WorkKind; itemId: string; shop: string; milliseconds: number }) => void;
}

const shutdown = new Error('The app is shutting down');

/** A new queue job each time an item is queued again: `attempts` grows with every claim. */
const queueJobIdOf = (item: QueuedItem, kind: WorkKind) => `${kind}.${item.id}.${item.attempts}`;

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { store, queues } = options;
  const running = new Set<AbortController>();
  const workers: JobWorker[] = [];
  let closing = false;

  const queueOf = (kind: WorkKind) => (kind === 'process' ? queues.process : queues.media);

  /**
   * Queues each item's work. The queue job is added before the item records it, so a crash in
   * between leaves the item to be queued again (the same id: added once). `onlyNew` skips items
   * already carrying this job, as every notify of a shop would otherwise queue its whole backlog
   * again; `start` queues everything (an in-process queue starts empty).
   */
  async function enqueue(items: readonly QueuedItem[], onlyNew = false): Promise<void> {
    for (const item of items) {
      const kind = workKindOf(item.state);
      if (!kind) continue;
      const id = queueJobIdOf(item, kind);
      if (onlyNew && item.queueJobId === id) continue;
      await queueOf(kind).enqueue({ shop: item.shop, itemId: item.id, kind }, { id, tenant: item.shop });
      await store.setQueueJob(item.id, id);
    }
  }

  const processor: JobProcessor<ItemWork, void> = async (context) => {
    const { itemId, kind } = context.data;
    const item = await store.claimItem(itemId, kind);
    if (!item) return; // done, skipped or moved on since it was queued
    const started = performance.now();
    const controller = new AbortController();
    const forward = () => controller.abort(context.signal.reason);
    context.signal.addEventListener('abort', forward, { once: true });
    running.add(controller);
    try {
      await options.handle(item, kind, controller.signal, { final: context.finalAttempt });
    } finally {
      running.delete(controller);
      context.signal.removeEventListener('abort', forward);
    }
    if (controller.signal.reason === shutdown) {
      // Handed back unfinished, the item still in its work state. On Redis the job stays
      // locked to this stopping worker until the lock lapses and another takes it over; in
      // process it goes back to waiting, and a restart queues it again from the database.
      if (queueOf(kind).backend === 'redis') return new Promise<never>(() => undefined);
      throw shutdown;
    }
    options.onWorkDone?.({ kind, itemId, shop: item.shop, milliseconds: performance.now() - started });
  };

  return {
    async notify(shop) {
      await enqueue(await store.queuedItems(shop), true);
    },

    async start() {
      if (options.work) {
        const perProcess = options.workerConcurrency ?? 8;
        workers.push(
          queues.process.startWorker(processor, {
            concurrency: perProcess,
            tenantConcurrency: options.processConcurrency ?? 2,
          }),
          queues.media.startWorker(processor, { concurrency: perProcess, tenantConcurrency: 1 }),
        );
      }
      // In process, nothing else will go on with work a stop cut off: queue it again. On Redis
      // the queue still holds those jobs and gives them to a worker once their lock lapses.
      if (queues.process.backend === 'in-process') await enqueue(await store.interrupted());
      await enqueue(await store.queuedItems());
    },

    async stopShop(shop) {
      for (const id of await store.queueJobsOf(shop)) {
        const kind = id.split('.')[0] as WorkKind;
        await queueOf(kind).cancel(id);
      }
    },

    async idle() {
      while (!closing && ((await store.pendingWork()) > 0 || running.size > 0))
        await new Promise((resolve) => setTimeout(resolve, 25));
    },

    async close(closeOptions = {}) {
      if (closing) return;
      closing = true;
      if (closeOptions.handBack) for (const controller of running) controller.abort(shutdown);
      await Promise.all(workers.map((worker) => worker.close({ force: closeOptions.handBack })));
      await Promise.all([queues.process.close(), queues.media.close()]);
    },
  };
}

/** The embedded default: both queues in this process's memory, the database keeping the truth. */
export function createInProcessJobRunner(
  options: Omit<JobRunnerOptions, 'queues' | 'work'> & { retry?: JobRetryOptions },
): JobRunner {
  const { retry, ...runnerOptions } = options;
  return createJobRunner({
    ...runnerOptions,
    work: true,
    queues: {
      process: createInProcessJobs<ItemWork, void>({ retry }),
      media: createInProcessJobs<ItemWork, void>({ retry }),
    },
  });
}

/** True when work stopped because the process is stopping, not because it failed. */
export const isShutdown = (reason: unknown) => reason === shutdown;
