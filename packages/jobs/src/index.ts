// @backdrop/jobs: Backdrop operations as durable jobs, in process or on BullMQ and Redis.

export { createJobs, type JobsOptions } from './create-jobs.js';
// The in-process back end and the types both back ends share, as @backdrop/jobs/in-process has them.
export * from './in-process.js';
export { describeRedisUrl } from './redis-connection.js';
export { createRedisJobs, type RedisJobQueue, type RedisJobsOptions } from './redis-jobs.js';
export { createRetryPolicy, type JobRetryOptions, type JobRetryPolicy } from './retry-policy.js';
