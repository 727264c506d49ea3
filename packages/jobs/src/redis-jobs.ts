import { randomUUID } from 'node:crypto';
import { BackdropError, type JobHandle } from '@backdrop/core';
import { DelayedError, type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { decodeFailure, encodeFailure } from './failure-codec.js';
import type {
  JobProcessor,
  JobQueue,
  JobRecord,
  JobState,
  JobWorker,
  JobWorkerOptions,
} from './job-types.js';
import { redisOptionsFromUrl } from './redis-connection.js';
import { createRetryPolicy, failureOf, type JobRetryOptions } from './retry-policy.js';
import { createTenantGate } from './tenant-gate.js';
import { createTenantStartLog } from './tenant-start-log.js';
import { checkWorkerOptions } from './worker-options.js';

export interface RedisJobsOptions {
  /** `redis://[user:password@]host:port[/db]` (the REDIS_URL). */
  url: string;
  /** The queue's name (default `backdrop`). */
  name?: string | undefined;
  /** Prefix of every key (default `backdrop`); `{backdrop}` keeps a queue on one Redis Cluster slot. */
  prefix?: string | undefined;
  retry?: JobRetryOptions | undefined;
  /**
   * How long a job stays locked to a worker that stopped answering before another worker takes
   * it over (BullMQ's lock duration and stall check interval; default 30 s).
   */
  stallIntervalMs?: number | undefined;
  /** How often `waitFor` looks at a job (default 500 ms). */
  pollIntervalMs?: number | undefined;
}

export interface RedisJobQueue<Data, Result> extends JobQueue<Data, Result> {
  readonly backend: 'redis';
  /** Resolves once Redis answers; rejects after `timeoutMs` (a wrong URL fails fast). */
  ready(timeoutMs?: number): Promise<void>;
  /** Deletes the queue and every key it made (tests, and tearing a queue down). */
  destroy(): Promise<void>;
}

/** What is kept in Redis per job: the caller's data, and the provider job once started. Never a key. */
interface StoredJob<Data> {
  payload: Data;
  tenant?: string | undefined;
  providerHandle?: JobHandle | undefined;
}

const stateOf: Record<string, JobState> = {
  waiting: 'waiting',
  prioritized: 'waiting',
  'waiting-children': 'waiting',
  delayed: 'delayed',
  active: 'active',
  completed: 'completed',
  failed: 'failed',
};

/** The retry delay travels on the error from the processor to BullMQ's backoff strategy. */
class RetryableJobError extends Error {
  constructor(
    message: string,
    readonly retryDelayMs: number,
  ) {
    super(message);
  }
}

/**
 * The shared back end: BullMQ on Redis. Any number of processes enqueue and work; a job is
 * locked to one worker at a time, and a worker that dies loses its lock after the stall
 * interval, when another takes the job over and resumes its saved provider job.
 */
export function createRedisJobs<Data, Result>(options: RedisJobsOptions): RedisJobQueue<Data, Result> {
  const connection = redisOptionsFromUrl(options.url);
  const name = options.name ?? 'backdrop';
  const prefix = options.prefix ?? 'backdrop';
  const keyPrefix = `${prefix}:${name}`;
  const stallIntervalMs = options.stallIntervalMs ?? 30_000;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const policy = createRetryPolicy(options.retry);
  const queue = new Queue<StoredJob<Data>, Result>(name, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: policy.attempts,
      backoff: { type: 'backdrop' },
      // Kept a week: a rerun finds finished jobs by id instead of adding them again.
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
  // Cancel marks and per-tenant limits: plain keys beside BullMQ's, under the same prefix.
  const control = new Redis(connection);
  // While Redis restarts, ioredis reconnects and commands wait; unheard, the errors it emits
  // meanwhile would be printed (or crash the process).
  control.on('error', () => undefined);
  queue.on('error', () => undefined);
  const cancelKey = (id: string) => `${keyPrefix}:cancelled:${id}`;
  const workers = new Set<Worker>();

  function recordOf(job: Job<StoredJob<Data>, Result>, bullState: string): JobRecord<Data, Result> {
    let state = stateOf[bullState] ?? 'waiting';
    // BullMQ keeps the last attempt's failure on a job that then succeeded.
    const failure = job.failedReason && state !== 'completed' ? decodeFailure(job.failedReason) : undefined;
    if (state === 'failed' && failure?.code === 'aborted') state = 'cancelled';
    const progress = job.progress;
    return {
      id: job.id ?? '',
      data: job.data.payload,
      tenant: job.data.tenant,
      state,
      progress:
        typeof progress === 'object' && progress !== null
          ? (progress as JobRecord<Data, Result>['progress'])
          : undefined,
      result: state === 'completed' ? job.returnvalue : undefined,
      failure,
      attemptsMade: job.attemptsMade,
      providerHandle: job.data.providerHandle,
    };
  }

  const get = async (id: string) => {
    // The state first, then the job: a finished state never changes, so the job read after it
    // already carries its result or failure.
    const state = await queue.getJobState(id);
    const job = state === 'unknown' ? undefined : await queue.getJob(id);
    return job ? recordOf(job, state) : undefined;
  };

  /** Moves a job delayed for its tenant's slot back to waiting now that a slot is free. */
  async function wake(id: string): Promise<void> {
    const job = await queue.getJob(id).catch(() => undefined);
    // Not delayed (any more): it was woken by its own timer, or has not been delayed yet.
    await job?.promote().catch(() => undefined);
  }

  function startWorker(
    processor: JobProcessor<Data, Result>,
    workerOptions: JobWorkerOptions = {},
  ): JobWorker {
    checkWorkerOptions(workerOptions);
    // The queue-wide limit is the same sliding window as a tenant's, over every job: BullMQ's own
    // limiter counts fixed windows, which let up to twice `max` start across a window's edge.
    const queueStarts =
      workerOptions.rateLimit &&
      createTenantStartLog(control, { keyPrefix, limit: workerOptions.rateLimit, kind: 'queue-rate' });
    const tenantGate = createTenantGate(control, {
      keyPrefix,
      leaseMs: stallIntervalMs,
      tenantConcurrency: workerOptions.tenantConcurrency,
      tenantRateLimit: workerOptions.tenantRateLimit,
    });
    const worker = new Worker<StoredJob<Data>, Result>(
      name,
      async (job, token) => {
        const id = job.id ?? '';
        const stored = job.data;
        const aborted = new BackdropError({ code: 'aborted', message: `job ${id} was cancelled` });
        if (await control.exists(cancelKey(id)))
          throw new UnrecoverableError(encodeFailure(failureOf(aborted)));
        const tenant = stored.tenant;
        // The queue's start is counted first; a job its tenant then turns away leaves it counted,
        // so the queue may run a little under its limit, never over.
        const queueWaitMs = queueStarts ? await queueStarts.tryStart('all', id) : 0;
        const waitMs =
          queueWaitMs > 0
            ? queueWaitMs
            : tenantGate && tenant !== undefined
              ? await tenantGate.enter(tenant, id)
              : 0;
        if (waitMs > 0) {
          // The queue or the tenant is at its limit: try again once it may start, without spending an attempt.
          await job.moveToDelayed(Date.now() + waitMs, token);
          throw new DelayedError();
        }
        const controller = new AbortController();
        const watch = setInterval(() => {
          control
            .exists(cancelKey(id))
            .then((cancelled) => {
              if (cancelled) controller.abort(aborted);
            })
            .catch(() => undefined);
          if (tenantGate && tenant !== undefined) tenantGate.renew(tenant, id).catch(() => undefined);
        }, 1_000);
        try {
          return await processor({
            id,
            data: stored.payload,
            tenant,
            attempt: job.attemptsMade + 1,
            finalAttempt: job.attemptsMade + 1 >= policy.attempts,
            signal: controller.signal,
            savedHandle: stored.providerHandle,
            saveHandle: async (handle) => {
              await job.updateData({ ...stored, providerHandle: handle });
              stored.providerHandle = handle;
            },
            reportProgress: (progress) => job.updateProgress(progress),
          });
        } catch (error) {
          const failure = failureOf(controller.signal.aborted ? controller.signal.reason : error);
          const delayMs = controller.signal.aborted
            ? undefined
            : policy.delayAfter(error, job.attemptsMade + 1);
          if (delayMs === undefined) throw new UnrecoverableError(encodeFailure(failure));
          throw new RetryableJobError(encodeFailure(failure), delayMs);
        } finally {
          clearInterval(watch);
          if (tenantGate && tenant !== undefined) {
            const next = await tenantGate.leave(tenant, id).catch(() => undefined);
            if (next) void wake(next);
          }
        }
      },
      {
        connection,
        prefix,
        concurrency: workerOptions.concurrency ?? 1,
        lockDuration: stallIntervalMs,
        stalledInterval: stallIntervalMs,
        // A job whose workers keep dying is failed after this many takeovers, not retried forever.
        maxStalledCount: 5,
        settings: {
          backoffStrategy: (_attemptsMade, _type, error) =>
            error instanceof RetryableJobError ? error.retryDelayMs : 1_000,
        },
      },
    );
    // Connection errors while Redis restarts are retried by ioredis; without a listener they would crash.
    worker.on('error', () => undefined);
    workers.add(worker);
    return {
      async close(closeOptions = {}) {
        workers.delete(worker);
        await worker.close(closeOptions.force === true);
      },
    };
  }

  return {
    backend: 'redis',

    async enqueue(data, enqueueOptions = {}) {
      const id = enqueueOptions.id ?? randomUUID();
      await queue.add('backdrop', { payload: data, tenant: enqueueOptions.tenant }, { jobId: id });
      return id;
    },

    get,

    async waitFor(id, waitOptions = {}) {
      const { signal } = waitOptions;
      for (;;) {
        signal?.throwIfAborted();
        // While Redis restarts the read waits or fails; either way the next look tries again.
        const record = await get(id).catch(() => undefined);
        if (
          record &&
          (record.state === 'completed' || record.state === 'failed' || record.state === 'cancelled')
        )
          return record;
        await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
      }
    },

    async cancel(id) {
      // Seen by the worker running it within a second, or by the next one to pick it up.
      await control.set(cancelKey(id), '1', 'EX', 7 * 24 * 3600);
      const job = await queue.getJob(id);
      if (job && (await job.isDelayed())) await job.promote();
    },

    async remove(id) {
      await queue.remove(id);
      await control.del(cancelKey(id));
    },

    startWorker,

    async ready(timeoutMs = 5_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([control.ping(), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },

    async destroy() {
      await queue.obliterate({ force: true });
      for (let cursor = '0'; ; ) {
        const [next, keys] = await control.scan(cursor, 'MATCH', `${keyPrefix}:*`, 'COUNT', 500);
        if (keys.length > 0) await control.del(...keys);
        cursor = next;
        if (cursor === '0') break;
      }
    },

    async close() {
      await Promise.all([...workers].map((worker) => worker.close(true)));
      await queue.close();
      control.disconnect();
    },
  };
}
