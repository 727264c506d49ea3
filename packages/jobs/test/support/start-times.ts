/**
 * Processors see a start a little after the limiter counted it (a Redis round trip, a busy event
 * loop), so windows are checked this much shorter than the limit's. A limit that does not hold
 * starts its extra jobs within milliseconds of each other, and is still caught.
 */
export const measuringSlackMs = 100;

/** When each tenant's jobs started, as their processors saw it (`''` for jobs without a tenant). */
export function createStartTimes() {
  const byTenant = new Map<string, number[]>();
  const sorted = (starts: readonly number[]) => [...starts].sort((first, second) => first - second);
  return {
    record(tenant: string | undefined): void {
      const starts = byTenant.get(tenant ?? '') ?? [];
      starts.push(Date.now());
      byTenant.set(tenant ?? '', starts);
    },
    of: (tenant: string) => sorted(byTenant.get(tenant) ?? []),
    all: () => sorted([...byTenant.values()].flat()),
  };
}

/** The most starts that fall within one window of `windowMs` (sorted starts). */
export function mostStartsWithin(starts: readonly number[], windowMs: number): number {
  let most = 0;
  for (let first = 0, last = 0; last < starts.length; last++) {
    while ((starts[last] ?? 0) - (starts[first] ?? 0) >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}
