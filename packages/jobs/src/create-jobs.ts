import { createInProcessJobs } from './in-process-jobs.js';
import type { JobQueue } from './job-types.js';
import { createRedisJobs } from './redis-jobs.js';
import type { JobRetryOptions } from './retry-policy.js';

export interface JobsOptions {
  /** A `redis://` URL (REDIS_URL) for the shared back end; none keeps jobs in this process. */
  queueUrl?: string | undefined;
  /** The queue's name on Redis (default `backdrop`). */
  name?: string | undefined;
  retry?: JobRetryOptions | undefined;
  stallIntervalMs?: number | undefined;
}

/** The back end the configuration asks for: BullMQ on Redis with a URL, else in process. */
export function createJobs<Data, Result>(options: JobsOptions = {}): JobQueue<Data, Result> {
  if (!options.queueUrl) return createInProcessJobs<Data, Result>({ retry: options.retry });
  return createRedisJobs<Data, Result>({
    url: options.queueUrl,
    name: options.name,
    retry: options.retry,
    stallIntervalMs: options.stallIntervalMs,
  });
}
