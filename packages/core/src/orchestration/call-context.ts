import { type DownloadOptions, safeDownload } from '../download/safe-download.js';
import type { CallContext } from '../spec/adapter.js';
import type { OperationRuntime } from './operation-runtime.js';
import { type RetryOptions, withRetries } from './retry.js';

/**
 * Download settings of one call. The call's signal stays usable after the call: once disposed
 * it no longer aborts, so lazy `bytes()` calls made later are not cut short.
 */
export function downloadOptionsOf(
  runtime: OperationRuntime,
  signal: AbortSignal | undefined,
): DownloadOptions {
  return {
    fetch: runtime.fetch,
    maxBytes: runtime.maxDownloadBytes,
    lookupHost: runtime.lookupHost,
    allowPrivateAddresses: runtime.allowPrivateAddresses,
    signal,
  };
}

/** A safe download retried on retryable failures (a 503, a 429, a body cut half-way). */
export function downloadWithRetries(
  url: string,
  options: DownloadOptions,
  retry: RetryOptions,
): ReturnType<typeof safeDownload> {
  const signal = options.signal ?? new AbortController().signal;
  return withRetries(() => safeDownload(url, options), retry, { signal, provider: options.provider });
}

/** What core gives an adapter call: the signal, the fetch, and safe downloads of caller URLs. */
export function createCallContext(
  runtime: OperationRuntime,
  signal: AbortSignal,
  retry: RetryOptions = runtime.retry.download,
): CallContext {
  return {
    signal,
    fetch: runtime.fetch,
    download: (url, field) =>
      downloadWithRetries(url, { ...downloadOptionsOf(runtime, signal), field }, retry),
  };
}
