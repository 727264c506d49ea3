import type { RateLimit } from './job-types.js';
import { createRateWindow, type RateWindow } from './rate-window.js';

export interface TenantRateWindows {
  /** How long until the tenant may start one more job under `limit`: 0 when it may now. */
  waitMs(tenant: string, limit: RateLimit, now?: number): number;
  record(tenant: string, limit: RateLimit, now?: number): void;
}

/**
 * A rate window per tenant, in memory (the in-process back end). Windows are kept in the order
 * their tenants last started a job, so each start drops those whose starts all left the window:
 * tenants that stopped sending jobs are not kept for good.
 */
export function createTenantRateWindows(): TenantRateWindows {
  const windows = new Map<string, RateWindow>();
  return {
    waitMs: (tenant, limit, now = Date.now()) => windows.get(tenant)?.waitMs(limit, now) ?? 0,
    record(tenant, limit, now = Date.now()) {
      const window = windows.get(tenant) ?? createRateWindow();
      windows.delete(tenant);
      windows.set(tenant, window);
      window.record(now);
      for (const [oldestTenant, oldestWindow] of windows) {
        if ((oldestWindow.latestStart() ?? now) > now - limit.durationMs) break;
        windows.delete(oldestTenant);
      }
    },
  };
}
