import type { Redis } from 'ioredis';
import type { AdminBudget, BudgetReservation } from './admin-budget.server';
import { type BucketTimings, defaultBucketTimings } from './admin-budget-bucket.server';
import { reserveScript, settleScript } from './admin-budget-bucket-script.server';

export const defaultBudgetKeyPrefix = 'backdrop:admin-budget';

export interface RedisAdminBudgetOptions {
  redis: Redis;
  /** Each shop's hash is `<keyPrefix>:<shop>` (default backdrop:admin-budget). */
  keyPrefix?: string;
  timings?: Partial<BucketTimings>;
  /** The clock, for tests; by default Redis's own, the one clock every process shares. */
  now?: () => number;
  /** Quit the connection on close(): true when the budget opened it. */
  ownsConnection?: boolean;
  /** Where an outage of Redis is told (default console.warn). */
  warn?: (message: string) => void;
}

interface BudgetCommands {
  adminBudgetReserve(key: string, ...values: Array<string | number>): Promise<[number, number]>;
  adminBudgetSettle(key: string, ...values: Array<string | number>): Promise<number>;
}

/**
 * The budget shared by every process using the same Redis and key prefix. When Redis cannot be
 * reached, calls go ahead unbudgeted (Shopify's THROTTLED answers are still waited out) rather
 * than fail, and the outage is told once.
 */
export function createRedisAdminBudget(options: RedisAdminBudgetOptions): AdminBudget {
  const timings = { ...defaultBucketTimings, ...options.timings };
  const keyPrefix = options.keyPrefix ?? defaultBudgetKeyPrefix;
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const redis = options.redis;
  redis.defineCommand('adminBudgetReserve', { numberOfKeys: 1, lua: reserveScript });
  redis.defineCommand('adminBudgetSettle', { numberOfKeys: 1, lua: settleScript });
  const commands = redis as unknown as BudgetCommands;
  const common = () => [options.now ? options.now() : '', timings.idleExpiryMs, timings.abandonAfterMs];
  let unreachable = false;

  function reachable(): void {
    if (!unreachable) return;
    unreachable = false;
    warn('Admin API budget: Redis is back; calls are budgeted again');
  }
  function failed(error: unknown): void {
    if (unreachable) return;
    unreachable = true;
    const reason = error instanceof Error ? error.message : String(error);
    warn(`Admin API budget: Redis cannot be reached (${reason}); calls go ahead unbudgeted until it is back`);
  }

  return {
    async reserve(shop, points) {
      try {
        const [granted, value] = await commands.adminBudgetReserve(
          `${keyPrefix}:${shop}`,
          ...common(),
          timings.probeWaitMs,
          timings.timerEarlinessMs,
          points,
        );
        reachable();
        return granted === 1
          ? { granted: true, reservation: { shop, sequence: value, points } }
          : { granted: false, waitMs: value };
      } catch (error) {
        failed(error);
        return { granted: true, reservation: { shop, sequence: undefined, points } };
      }
    },
    async settle(reservation: BudgetReservation, outcome) {
      if (reservation.sequence === undefined) return;
      const status = outcome.status;
      try {
        await commands.adminBudgetSettle(
          `${keyPrefix}:${reservation.shop}`,
          ...common(),
          reservation.sequence,
          outcome.actualCost ?? '',
          status?.currentlyAvailable ?? '',
          status?.maximumAvailable ?? '',
          status?.restoreRate ?? '',
          outcome.pauseMs ?? '',
        );
        reachable();
      } catch (error) {
        failed(error);
      }
    },
    async close() {
      if (options.ownsConnection) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
