import { randomUUID } from 'node:crypto';
import { BackdropError } from '@backdrop/core';
import {
  type EnqueueOptions,
  finishedStates,
  type JobProcessor,
  type JobQueue,
  type JobRecord,
  type JobWorker,
  type JobWorkerOptions,
} from './job-types.js';
import { createRateWindow } from './rate-window.js';
import { createRetryPolicy, failureOf, type JobRetryOptions } from './retry-policy.js';
import { createTenantRateWindows } from './tenant-rate-windows.js';
import { createWakeTimer } from './wake-timer.js';
import { checkWorkerOptions } from './worker-options.js';

export interface InProcessJobsOptions {
  retry?: JobRetryOptions | undefined;
}

interface Entry<Data, Result> {
  record: JobRecord<Data, Result>;
  controller?: AbortController | undefined;
  /** Set when a worker's forced close aborted it: it goes back to waiting, not cancelled. */
  handedBack?: boolean | undefined;
  retryTimer?: NodeJS.Timeout | undefined;
}

interface WorkerSlot<Data, Result> {
  processor: JobProcessor<Data, Result>;
  options: JobWorkerOptions;
  active: Set<Entry<Data, Result>>;
  closing: boolean;
  idle: Array<() => void>;
}

/**
 * The embedded back end: jobs live in this process's memory and run on its workers. No Redis,
 * no database; what must outlive the process (outputs, saved provider handles) is the
 * processor's to persist, as the CLI does in its output folder.
 */
export function createInProcessJobs<Data, Result>(
  options: InProcessJobsOptions = {},
): JobQueue<Data, Result> {
  const policy = createRetryPolicy(options.retry);
  const entries = new Map<string, Entry<Data, Result>>();
  const order: string[] = [];
  const workers = new Set<WorkerSlot<Data, Result>>();
  const watchers = new Set<() => void>();
  // Shared by every worker, as Redis shares them: the limits hold across workers.
  const queueStarts = createRateWindow();
  const tenantStarts = createTenantRateWindows();
  const wakeTimer = createWakeTimer(() => pump());

  const changed = () => {
    for (const watcher of [...watchers]) watcher();
  };

  const activeOfTenant = (tenant: string | undefined) => {
    let count = 0;
    for (const worker of workers)
      for (const entry of worker.active) if (entry.record.tenant === tenant) count++;
    return count;
  };

  /**
   * The first waiting job whose tenant may start one now. A tenant at its limit is skipped, not
   * waited for, so its backlog never holds up other tenants; `wakeInMs` is when the earliest
   * skipped tenant's rate window frees (a concurrency slot frees when a job ends, which pumps).
   */
  function nextFor(
    worker: WorkerSlot<Data, Result>,
    now: number,
  ): { entry?: Entry<Data, Result>; wakeInMs?: number } {
    const { tenantConcurrency, tenantRateLimit } = worker.options;
    const skippedTenants = new Set<string>();
    let wakeInMs: number | undefined;
    for (const id of order) {
      const entry = entries.get(id);
      if (entry?.record.state !== 'waiting') continue;
      const tenant = entry.record.tenant;
      if (tenant === undefined) return { entry };
      if (skippedTenants.has(tenant)) continue;
      if (tenantConcurrency !== undefined && activeOfTenant(tenant) >= tenantConcurrency) {
        skippedTenants.add(tenant);
        continue;
      }
      const waitMs = tenantRateLimit ? tenantStarts.waitMs(tenant, tenantRateLimit, now) : 0;
      if (waitMs === 0) return { entry };
      skippedTenants.add(tenant);
      wakeInMs = Math.min(wakeInMs ?? waitMs, waitMs);
    }
    return { wakeInMs };
  }

  function pump(): void {
    for (const worker of workers) {
      const { rateLimit, tenantRateLimit } = worker.options;
      while (!worker.closing && worker.active.size < (worker.options.concurrency ?? 1)) {
        const now = Date.now();
        const { entry, wakeInMs } = nextFor(worker, now);
        if (!entry) {
          if (wakeInMs !== undefined) wakeTimer.wakeIn(wakeInMs);
          break;
        }
        const queueWaitMs = rateLimit ? queueStarts.waitMs(rateLimit, now) : 0;
        if (queueWaitMs > 0) {
          wakeTimer.wakeIn(queueWaitMs);
          break;
        }
        if (rateLimit) queueStarts.record(now);
        const { tenant } = entry.record;
        if (tenantRateLimit && tenant !== undefined) tenantStarts.record(tenant, tenantRateLimit, now);
        void run(worker, entry);
      }
    }
  }

  async function run(worker: WorkerSlot<Data, Result>, entry: Entry<Data, Result>): Promise<void> {
    const { record } = entry;
    const controller = new AbortController();
    entry.controller = controller;
    entry.handedBack = false;
    worker.active.add(entry);
    record.state = 'active';
    changed();
    try {
      record.result = await worker.processor({
        id: record.id,
        data: record.data,
        tenant: record.tenant,
        attempt: record.attemptsMade + 1,
        finalAttempt: record.attemptsMade + 1 >= policy.attempts,
        signal: controller.signal,
        savedHandle: record.providerHandle,
        saveHandle: async (handle) => {
          record.providerHandle = handle;
        },
        reportProgress: async (progress) => {
          record.progress = progress;
          changed();
        },
      });
      record.attemptsMade++;
      record.state = 'completed';
      record.failure = undefined;
    } catch (error) {
      if (entry.handedBack) {
        record.state = 'waiting';
      } else if (controller.signal.aborted) {
        record.state = 'cancelled';
        record.failure = failureOf(controller.signal.reason);
      } else {
        record.attemptsMade++;
        record.failure = failureOf(error);
        const delayMs = policy.delayAfter(error, record.attemptsMade);
        if (delayMs === undefined) {
          record.state = 'failed';
        } else {
          record.state = 'delayed';
          entry.retryTimer = setTimeout(() => {
            entry.retryTimer = undefined;
            if (record.state !== 'delayed') return;
            record.state = 'waiting';
            changed();
            pump();
          }, delayMs);
        }
      }
    } finally {
      entry.controller = undefined;
      worker.active.delete(entry);
      if (worker.active.size === 0) for (const resolve of worker.idle.splice(0)) resolve();
      changed();
      pump();
    }
  }

  const snapshot = (entry: Entry<Data, Result>): JobRecord<Data, Result> => ({ ...entry.record });

  return {
    backend: 'in-process',

    async enqueue(data, enqueueOptions: EnqueueOptions = {}) {
      const id = enqueueOptions.id ?? randomUUID();
      if (entries.has(id)) return id;
      entries.set(id, {
        record: {
          id,
          data,
          tenant: enqueueOptions.tenant,
          state: 'waiting',
          progress: undefined,
          result: undefined,
          failure: undefined,
          attemptsMade: 0,
          providerHandle: undefined,
        },
      });
      order.push(id);
      changed();
      queueMicrotask(pump);
      return id;
    },

    async get(id) {
      const entry = entries.get(id);
      return entry && snapshot(entry);
    },

    waitFor(id, waitOptions = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const entry = entries.get(id);
          if (!entry) return finish(() => reject(new Error(`job ${id} is not in the queue`)));
          if (finishedStates.includes(entry.record.state)) finish(() => resolve(snapshot(entry)));
        };
        const abort = () => finish(() => reject(waitOptions.signal?.reason));
        const finish = (settle: () => void) => {
          watchers.delete(check);
          waitOptions.signal?.removeEventListener('abort', abort);
          settle();
        };
        if (waitOptions.signal?.aborted) return abort();
        waitOptions.signal?.addEventListener('abort', abort, { once: true });
        watchers.add(check);
        check();
      });
    },

    async cancel(id) {
      const entry = entries.get(id);
      if (!entry || finishedStates.includes(entry.record.state)) return;
      clearTimeout(entry.retryTimer);
      const reason = new BackdropError({ code: 'aborted', message: `job ${id} was cancelled` });
      if (entry.controller) {
        // The processor's core call sees the abort and cancels the provider job.
        entry.controller.abort(reason);
        return;
      }
      entry.record.state = 'cancelled';
      entry.record.failure = failureOf(reason);
      changed();
    },

    async remove(id) {
      const entry = entries.get(id);
      if (!entry || entry.controller) return;
      clearTimeout(entry.retryTimer);
      entries.delete(id);
      order.splice(order.indexOf(id), 1);
    },

    startWorker(processor, workerOptions = {}) {
      checkWorkerOptions(workerOptions);
      const worker: WorkerSlot<Data, Result> = {
        processor,
        options: workerOptions,
        active: new Set(),
        closing: false,
        idle: [],
      };
      workers.add(worker);
      queueMicrotask(pump);
      const handle: JobWorker = {
        async close(closeOptions = {}) {
          worker.closing = true;
          if (closeOptions.force) {
            for (const entry of worker.active) {
              entry.handedBack = true;
              entry.controller?.abort(
                new BackdropError({ code: 'aborted', message: 'the worker was stopped' }),
              );
            }
          }
          if (worker.active.size > 0) await new Promise<void>((resolve) => worker.idle.push(resolve));
          workers.delete(worker);
          pump();
        },
      };
      return handle;
    },

    async close() {
      wakeTimer.cancel();
      for (const entry of entries.values()) clearTimeout(entry.retryTimer);
    },
  };
}
