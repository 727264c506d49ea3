import type { BackdropError } from '../errors/backdrop-error.js';
import { toBackdropError } from '../errors/normalize-error.js';
import { abortReason, sleep } from './call-signal.js';

export interface RetryOptions {
  /** Retries after the first attempt. */
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Each retry waits this many times longer than the one before. */
  factor: number;
  /** The share by which a delay is randomly shortened or lengthened (0.25 = ±25%). */
  jitter: number;
  /** A Retry-After longer than this is not waited for: the error is returned instead. */
  maxRetryAfterMs: number;
  /** For tests: the random source for jitter, in [0, 1). */
  random?: (() => number) | undefined;
}

export const defaultRetryOptions: RetryOptions = {
  maxRetries: 2,
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.25,
  maxRetryAfterMs: 60_000,
};

/** The delay before retry number `retryIndex` (0-based), honouring the error's Retry-After. */
export function retryDelay(
  error: BackdropError,
  retryIndex: number,
  options: RetryOptions,
): number | undefined {
  if (error.retryAfterMs !== undefined) {
    return error.retryAfterMs <= options.maxRetryAfterMs ? Math.max(0, error.retryAfterMs) : undefined;
  }
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** retryIndex);
  const random = options.random ?? Math.random;
  return Math.round(base * (1 + options.jitter * (2 * random() - 1)));
}

export interface RetryContext {
  signal: AbortSignal;
  provider?: string | undefined;
  /** Epoch milliseconds past which no retry is started. */
  deadline?: number | undefined;
  onRetry?: ((error: BackdropError, delayMs: number) => void) | undefined;
}

/** The error as the caller sees it: how many retries came before it, so a message can say so. */
function withRetryCount(error: BackdropError, retries: number): BackdropError {
  return retries === 0 || error.retries === retries ? error : error.with({ retries });
}

/**
 * Runs `attempt` until it succeeds, the error is not retryable, the retries are spent, the
 * wait would run past the deadline, or the signal aborts. Only retryable codes are retried.
 */
export async function withRetries<T>(
  attempt: (attemptIndex: number) => Promise<T>,
  options: RetryOptions,
  context: RetryContext,
): Promise<T> {
  for (let attemptIndex = 0; ; attemptIndex++) {
    if (context.signal.aborted) throw abortReason(context.signal);
    try {
      return await attempt(attemptIndex);
    } catch (thrown) {
      if (context.signal.aborted) throw abortReason(context.signal);
      const error = withRetryCount(toBackdropError(thrown, context.provider), attemptIndex);
      if (!error.retryable || attemptIndex >= options.maxRetries) throw error;
      const delay = retryDelay(error, attemptIndex, options);
      if (delay === undefined) throw error;
      if (context.deadline !== undefined && Date.now() + delay >= context.deadline) throw error;
      context.onRetry?.(error, delay);
      await sleep(delay, context.signal);
    }
  }
}
