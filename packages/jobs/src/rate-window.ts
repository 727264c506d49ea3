/** At most `max` starts in any `durationMs`: how long to wait before the next one may start. */
export function createRateWindow(limit: { max: number; durationMs: number }) {
  const starts: number[] = [];
  const prune = (now: number) => {
    while (starts.length > 0 && (starts[0] ?? 0) <= now - limit.durationMs) starts.shift();
  };
  return {
    waitMs(): number {
      const now = Date.now();
      prune(now);
      return starts.length < limit.max ? 0 : (starts[0] ?? now) + limit.durationMs - now;
    },
    record(): void {
      starts.push(Date.now());
    },
  };
}
