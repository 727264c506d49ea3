import type { Redis } from 'ioredis';
import type { RateLimit } from './job-types.js';
import { createTenantSlots } from './tenant-slots.js';
import { createTenantStartLog } from './tenant-start-log.js';
import { createTenantWaiters } from './tenant-waiters.js';

/**
 * How long a job whose tenant has its share running waits before it looks again, if no freed
 * slot wakes it first (a wake-up can be missed: the job that freed the slot died, or the job was
 * not yet delayed when woken).
 */
const slotRetryMs = 3_000;

export interface TenantGate {
  /**
   * Lets a tenant's job start: 0, and the job holds a concurrency slot until `leave`; else how
   * long it should wait (ms), holding nothing and counting as no start.
   */
  enter(tenant: string, jobId: string): Promise<number>;
  /** Extends a started job's slot (called while it runs). */
  renew(tenant: string, jobId: string): Promise<void>;
  /** Frees the job's slot; returns the id of the oldest job waiting for one, to wake. */
  leave(tenant: string, jobId: string): Promise<string | undefined>;
}

/** The Redis back end's per-tenant limits, concurrency then rate; undefined when there are none. */
export function createTenantGate(
  redis: Redis,
  options: {
    keyPrefix: string;
    leaseMs: number;
    tenantConcurrency: number | undefined;
    tenantRateLimit: RateLimit | undefined;
  },
): TenantGate | undefined {
  const { keyPrefix, leaseMs, tenantConcurrency, tenantRateLimit } = options;
  if (tenantConcurrency === undefined && tenantRateLimit === undefined) return undefined;
  const slots =
    tenantConcurrency === undefined
      ? undefined
      : createTenantSlots(redis, { keyPrefix, limit: tenantConcurrency, leaseMs });
  const starts = tenantRateLimit && createTenantStartLog(redis, { keyPrefix, limit: tenantRateLimit });
  const waiters = slots && createTenantWaiters(redis, { keyPrefix, expireMs: leaseMs * 2 });
  return {
    async enter(tenant, jobId) {
      // The slot first: a start is counted only once the job surely runs. A job turned away
      // queues for the next freed slot; it is listed before it looks, so a slot freed between
      // its look and its delay still finds it.
      if (slots && waiters) {
        await waiters.add(tenant, jobId);
        if (!(await slots.acquire(tenant, jobId))) return slotRetryMs;
        await waiters.remove(tenant, jobId);
      }
      const waitMs = starts ? await starts.tryStart(tenant, jobId) : 0;
      if (waitMs > 0) await slots?.release(tenant, jobId);
      return waitMs;
    },
    renew: async (tenant, jobId) => {
      await slots?.renew(tenant, jobId);
    },
    leave: async (tenant, jobId) => {
      await slots?.release(tenant, jobId);
      return waiters?.takeOldest(tenant);
    },
  };
}
