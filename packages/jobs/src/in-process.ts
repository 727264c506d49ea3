// @backdrop/jobs/in-process: the embedded back end alone, for front ends that must start without
// loading BullMQ and ioredis (the plain `backdrop batch`).

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
  RateLimit,
} from './job-types.js';
export { isPaidJob, type ProviderJobOptions, runProviderJob } from './run-provider-job.js';
