import type { Redis } from 'ioredis';
import type { RateLimit } from './job-types.js';
import { createTenantSlots } from './tenant-slots.js';
import { createTenantStartLog } from './tenant-start-log.js';

/** How long a job whose tenant has its share running waits before it looks again. */
const slotRetryMs = 1_000;

export interface TenantGate {
  /**
   * Lets a tenant's job start: 0, and the job holds a concurrency slot until `leave`; else how
   * long it should wait (ms), holding nothing and counting as no start.
   */
  enter(tenant: string, jobId: string): Promise<number>;
  /** Extends a started job's slot (called while it runs). */
  renew(tenant: string, jobId: string): Promise<void>;
  leave(tenant: string, jobId: string): Promise<void>;
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
  return {
    async enter(tenant, jobId) {
      // The slot first: a start is counted only once the job surely runs.
      if (slots && !(await slots.acquire(tenant, jobId))) return slotRetryMs;
      const waitMs = starts ? await starts.tryStart(tenant, jobId) : 0;
      if (waitMs > 0) await slots?.release(tenant, jobId);
      return waitMs;
    },
    renew: async (tenant, jobId) => {
      await slots?.renew(tenant, jobId);
    },
    leave: async (tenant, jobId) => {
      await slots?.release(tenant, jobId);
    },
  };
}
