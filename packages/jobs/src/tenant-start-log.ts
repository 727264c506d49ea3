import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RateLimit } from './job-types.js';

// A sorted set per tenant of its job starts: member = one start, score = when (Redis's clock, so
// workers on machines whose clocks differ still share one window). Starts a full window old are
// dropped before counting; a start is added only when it fits, so a job sent back to wait is
// never counted. The key expires a window after the latest start: an idle tenant leaves nothing.
// Returns 0 when the start fits, else the milliseconds until the window frees.
const startScript = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local max = tonumber(ARGV[1])
local durationMs = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - durationMs)
local count = redis.call('ZCARD', KEYS[1])
if count < max then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], durationMs)
  return 0
end
local leaving = redis.call('ZRANGE', KEYS[1], count - max, count - max, 'WITHSCORES')
return tonumber(leaving[2]) + durationMs - now`;

export interface TenantStartLog {
  /** Counts one start of the tenant's job if it fits: 0, else how long until it would (ms). */
  tryStart(tenant: string, jobId: string): Promise<number>;
}

export function createTenantStartLog(
  redis: Redis,
  options: {
    keyPrefix: string;
    limit: RateLimit;
    /** The keys' kind (default `tenant-rate`); the queue-wide limit keeps its one log as `queue-rate`. */
    kind?: string;
  },
): TenantStartLog {
  const key = (tenant: string) => `${options.keyPrefix}:${options.kind ?? 'tenant-rate'}:${tenant}`;
  return {
    async tryStart(tenant, jobId) {
      const waitMs = await redis.eval(
        startScript,
        1,
        key(tenant),
        options.limit.max,
        options.limit.durationMs,
        // A job may start more than once (retries, takeovers): each start is its own member.
        `${jobId}:${randomUUID()}`,
      );
      return Number(waitMs);
    },
  };
}
