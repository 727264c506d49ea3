import { type RetryOptions, retryDelay, toBackdropError } from '@backdrop/core';
import type { JobFailure } from './job-types.js';

/** How a failed attempt is tried again: core's backoff (with jitter and Retry-After) per job attempt. */
export interface JobRetryOptions {
  /** Attempts in all, the first included (default 5). */
  attempts?: number | undefined;
  /** Delay before the second attempt, doubled each time (default 2 s, at most 60 s). */
  initialDelayMs?: number | undefined;
  maxDelayMs?: number | undefined;
}

export interface JobRetryPolicy {
  attempts: number;
  /** The wait before the next attempt, or undefined when the failure is final (core's rules). */
  delayAfter(error: unknown, attemptsMade: number): number | undefined;
}

/**
 * Core already retried each step of the attempt; a job attempt is retried only for what core
 * calls retryable (`rate_limited`, `provider_error`, `timeout`, `network`), never for moderation,
 * invalid input or a cancel, and never past a Retry-After longer than the longest wait.
 */
export function createRetryPolicy(options: JobRetryOptions = {}): JobRetryPolicy {
  const attempts = Math.max(1, options.attempts ?? 5);
  const backoff: RetryOptions = {
    maxRetries: attempts - 1,
    initialDelayMs: options.initialDelayMs ?? 2_000,
    maxDelayMs: options.maxDelayMs ?? 60_000,
    factor: 2,
    jitter: 0.25,
    maxRetryAfterMs: options.maxDelayMs ?? 60_000,
  };
  return {
    attempts,
    delayAfter(error, attemptsMade) {
      const failure = toBackdropError(error);
      if (!failure.retryable || failure.code === 'aborted' || attemptsMade >= attempts) return undefined;
      return retryDelay(failure, Math.max(0, attemptsMade - 1), backoff);
    },
  };
}

/** What is kept of an error with the job: core's code and message, nothing else. */
export function failureOf(error: unknown): JobFailure {
  const failure = toBackdropError(error);
  return {
    code: failure.code,
    message: failure.message,
    retryable: failure.retryable,
    provider: failure.provider,
  };
}
