import type { RateLimit } from './job-types.js';

export interface RateWindow {
  /** How long until one more start fits under `limit`: 0 when it fits now. */
  waitMs(limit: RateLimit, now?: number): number;
  record(now?: number): void;
  /** When the latest start was, if any is still kept. */
  latestStart(): number | undefined;
}

/**
 * The start times of one subject (the queue, or one tenant), oldest first. It holds no limit of
 * its own: every worker that shares it asks with its own.
 */
export function createRateWindow(): RateWindow {
  const starts: number[] = [];
  return {
    waitMs(limit, now = Date.now()) {
      // Starts a full window ago or more no longer count.
      while (starts.length > 0 && (starts[0] ?? now) <= now - limit.durationMs) starts.shift();
      if (starts.length < limit.max) return 0;
      // The start that must leave the window for the count to drop below `max`.
      return (starts[starts.length - limit.max] ?? now) + limit.durationMs - now;
    },
    record(now = Date.now()) {
      starts.push(now);
    },
    latestStart: () => starts.at(-1),
  };
}
