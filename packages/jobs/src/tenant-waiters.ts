import type { Redis } from 'ioredis';

/**
 * Jobs delayed because their tenant had every slot taken, oldest first (a sorted set per tenant,
 * scored by when they were turned away). A job that frees a slot wakes the oldest one at once,
 * so a tenant's backlog moves at the pace of its own jobs rather than of a polling delay.
 */
export interface TenantWaiters {
  add(tenant: string, jobId: string): Promise<void>;
  remove(tenant: string, jobId: string): Promise<void>;
  /** The oldest waiting job of the tenant, taken off the list; undefined when none waits. */
  takeOldest(tenant: string): Promise<string | undefined>;
}

export function createTenantWaiters(
  redis: Redis,
  options: { keyPrefix: string; expireMs: number },
): TenantWaiters {
  const key = (tenant: string) => `${options.keyPrefix}:tenant-waiting:${tenant}`;
  return {
    async add(tenant, jobId) {
      await redis
        .multi()
        .zadd(key(tenant), 'NX', Date.now(), jobId)
        .pexpire(key(tenant), options.expireMs)
        .exec();
    },
    async remove(tenant, jobId) {
      await redis.zrem(key(tenant), jobId);
    },
    async takeOldest(tenant) {
      const [jobId] = await redis.zpopmin(key(tenant));
      return jobId;
    },
  };
}
