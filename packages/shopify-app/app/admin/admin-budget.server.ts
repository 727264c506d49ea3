import { Redis } from 'ioredis';
import { processAdminBudget } from './admin-budget-memory.server';
import { createRedisAdminBudget } from './admin-budget-redis.server';

/** Shopify's leaky bucket for one app on one shop, as each answer's `extensions.cost.throttleStatus` reports it. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** Points taken from a shop's bucket for one call; settling it says what the call really cost. */
export interface BudgetReservation {
  readonly shop: string;
  /** Its place in the shop's order of reservations; undefined when the budget could not record it. */
  readonly sequence: number | undefined;
  readonly points: number;
}

export type BudgetGrant =
  | { granted: true; reservation: BudgetReservation }
  | { granted: false; waitMs: number };

/** What Shopify answered to a reserved call. */
export interface CallOutcome {
  /** The bucket as the answer reported it: the truth, when there was one. */
  status?: ThrottleStatus;
  /** The points Shopify charged (0 for THROTTLED); undefined counts as everything reserved. */
  actualCost?: number;
  /** After THROTTLED: every caller for the shop waits this long before its next call. */
  pauseMs?: number;
}

/**
 * Each shop's Admin API points, shared by everything that calls that shop through this budget: a
 * call first reserves its expected cost (or is told how long to wait), then settles with the answer.
 */
export interface AdminBudget {
  reserve(shop: string, points: number): Promise<BudgetGrant>;
  settle(reservation: BudgetReservation, outcome: CallOutcome): Promise<void>;
  close(): Promise<void>;
}

export interface AdminBudgetSettings {
  /** redis:// or rediss:// URL: the budget is shared by every process using it; without one, this process's. */
  redisUrl?: string;
  /** Prefix of the budget's Redis keys (default backdrop:admin-budget). */
  keyPrefix?: string;
}

/** The app's budget: shared through Redis when a URL is given, else this process's own. */
export function createAdminBudget(settings: AdminBudgetSettings = {}): AdminBudget {
  if (!settings.redisUrl) return processAdminBudget();
  const redis = new Redis(settings.redisUrl, {
    // A budget that waits on a Redis outage would stall every Admin call: fail fast and go unbudgeted.
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  // Connection errors surface in the commands (and are told once there); without a listener they would crash.
  redis.on('error', () => undefined);
  return createRedisAdminBudget({ redis, keyPrefix: settings.keyPrefix, ownsConnection: true });
}
