import type { Redis } from 'ioredis';

// A sorted set per tenant: member = job id, score = when its lease ends. Expired leases (a
// worker that died) are dropped before counting, so a crash never holds a slot for good.
const acquireScript = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[2]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0`;

export interface TenantSlots {
  /** Takes one of the tenant's slots for a job; false when all are taken. */
  acquire(tenant: string, jobId: string): Promise<boolean>;
  /** Extends a held slot's lease (called while the job runs). */
  renew(tenant: string, jobId: string): Promise<void>;
  release(tenant: string, jobId: string): Promise<void>;
}

export function createTenantSlots(
  redis: Redis,
  options: { keyPrefix: string; limit: number; leaseMs: number },
): TenantSlots {
  const key = (tenant: string) => `${options.keyPrefix}:tenant:${tenant}`;
  const acquire = async (tenant: string, jobId: string) => {
    const now = Date.now();
    const taken = await redis.eval(
      acquireScript,
      1,
      key(tenant),
      now,
      jobId,
      options.limit,
      now + options.leaseMs,
      options.leaseMs * 2,
    );
    return taken === 1;
  };
  return {
    acquire,
    renew: async (tenant, jobId) => {
      await acquire(tenant, jobId);
    },
    release: async (tenant, jobId) => {
      await redis.zrem(key(tenant), jobId);
    },
  };
}
