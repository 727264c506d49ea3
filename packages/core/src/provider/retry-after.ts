/**
 * How long an answer asks the caller to wait, in milliseconds: `retry-after-ms`, then
 * `Retry-After` as seconds or an HTTP-date (RFC 9110 §10.2.3), then `X-RateLimit-Reset` as epoch
 * seconds or seconds from now. Undefined when none says anything usable.
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const milliseconds = Number(headers.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(milliseconds)) return Math.max(0, milliseconds);
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = Number(headers.get('x-ratelimit-reset') ?? Number.NaN);
  if (Number.isFinite(reset)) return Math.max(0, reset > 1e9 ? reset * 1000 - now : reset * 1000);
  return undefined;
}
