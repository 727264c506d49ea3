import type { JobFailure } from './job-types.js';

/** BullMQ keeps a failure as a string: core's code and message travel as JSON in it. */
export function encodeFailure(failure: JobFailure): string {
  return JSON.stringify(failure);
}

/** A failure BullMQ wrote itself (a job that stalled too often) becomes a `provider_error` with its text. */
export function decodeFailure(reason: string): JobFailure {
  try {
    const parsed = JSON.parse(reason) as Partial<JobFailure>;
    if (typeof parsed.code === 'string' && typeof parsed.message === 'string')
      return {
        code: parsed.code,
        message: parsed.message,
        retryable: parsed.retryable === true,
        provider: parsed.provider,
      };
  } catch {
    // not ours
  }
  return { code: 'provider_error', message: reason, retryable: false };
}
