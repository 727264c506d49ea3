import type { JobWorkerOptions, RateLimit } from './job-types.js';

/** Refuses a rate limit that cannot be kept, before any worker starts, so no back end guesses. */
export function checkWorkerOptions(options: JobWorkerOptions): void {
  checkRateLimit('rateLimit', options.rateLimit);
  checkRateLimit('tenantRateLimit', options.tenantRateLimit);
}

const rules = {
  max: 'job starts per window',
  durationMs: 'the window in milliseconds',
} as const;

function checkRateLimit(option: string, limit: RateLimit | undefined): void {
  if (limit === undefined) return;
  if (typeof limit !== 'object' || limit === null)
    throw new TypeError(`${option} must be { max, durationMs }; got ${String(limit)}`);
  for (const field of ['max', 'durationMs'] as const) {
    const value: unknown = limit[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
      throw new RangeError(
        `${option}.${field} must be a positive integer (${rules[field]}); got ${String(value)}`,
      );
  }
}
