import type { AdminBudget } from './admin-budget.server';
import {
  type BucketTimings,
  defaultBucketTimings,
  emptyShopBucket,
  reserveInBucket,
  type ShopBucket,
  settleInBucket,
} from './admin-budget-bucket.server';

export interface MemoryAdminBudgetOptions {
  timings?: Partial<BucketTimings>;
  /** The clock (tests move it by hand). */
  now?: () => number;
}

/** The budget for a single process: every shop's bucket in this process's memory. */
export function createMemoryAdminBudget(options: MemoryAdminBudgetOptions = {}): AdminBudget {
  const timings = { ...defaultBucketTimings, ...options.timings };
  const now = options.now ?? Date.now;
  const buckets = new Map<string, ShopBucket>();
  let sweptAt = now();

  function bucketOf(shop: string, time: number): ShopBucket {
    // Shops idle for long are forgotten, so a process serving many shops does not grow for good.
    if (time - sweptAt > timings.idleExpiryMs) {
      for (const [name, bucket] of buckets)
        if (time - bucket.lastUsedAt > timings.idleExpiryMs) buckets.delete(name);
      sweptAt = time;
    }
    let bucket = buckets.get(shop);
    if (!bucket || time - bucket.lastUsedAt > timings.idleExpiryMs) {
      bucket = emptyShopBucket(time);
      buckets.set(shop, bucket);
    }
    return bucket;
  }

  return {
    async reserve(shop, points) {
      const time = now();
      const decision = reserveInBucket(bucketOf(shop, time), points, time, timings);
      return decision.granted
        ? { granted: true, reservation: { shop, sequence: decision.sequence, points } }
        : decision;
    },
    async settle(reservation, outcome) {
      if (reservation.sequence === undefined) return;
      const time = now();
      settleInBucket(bucketOf(reservation.shop, time), reservation.sequence, outcome, time);
    },
    async close() {},
  };
}

let processBudget: AdminBudget | undefined;

/** The one in-memory budget every Admin API client of this process shares unless given another. */
export function processAdminBudget(): AdminBudget {
  processBudget ??= createMemoryAdminBudget();
  return processBudget;
}
