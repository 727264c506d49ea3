/** The first poll comes this soon after the job starts (or its stream fails): short jobs end fast. */
export const firstPollDelayMs = 20;
/** Each wait is this much longer than the one before… */
export const pollBackoffFactor = 1.25;
/** …up to this ceiling, so a long video job costs two status calls a second at most. */
export const maxPollDelayMs = 500;

/**
 * The waits between status calls. A caller's `pollIntervalMs` is a fixed interval, kept as
 * given; without it polling starts fast and backs off, so a short job is noticed soon after it
 * ends and a long one is not asked about many times a second.
 */
export function createPollSchedule(pollIntervalMs: number | undefined): () => number {
  if (pollIntervalMs !== undefined) return () => pollIntervalMs;
  let next = firstPollDelayMs;
  return () => {
    const delay = Math.round(next);
    next = Math.min(next * pollBackoffFactor, maxPollDelayMs);
    return delay;
  };
}
