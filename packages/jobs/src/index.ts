// @backdrop/jobs: Backdrop operations as durable jobs, in process or on BullMQ and Redis.

export { createJobs, type JobsOptions } from './create-jobs.js';
export { createInProcessJobs, type InProcessJobsOptions } from './in-process-jobs.js';
export type {
  EnqueueOptions,
  JobContext,
  JobFailure,
  JobProcessor,
  JobProgress,
  JobQueue,
  JobRecord,
  JobState,
  JobWorker,
  JobWorkerOptions,
} from './job-types.js';
export { describeRedisUrl } from './redis-connection.js';
export { createRedisJobs, type RedisJobQueue, type RedisJobsOptions } from './redis-jobs.js';
export { createRetryPolicy, type JobRetryOptions, type JobRetryPolicy } from './retry-policy.js';
export { type ProviderJobOptions, runProviderJob } from './run-provider-job.js';
