import type { BackdropError } from '../errors/backdrop-error.js';
import { toBackdropError } from '../errors/normalize-error.js';
import type { JobHandle } from '../spec/job.js';

/**
 * An error raised after the provider accepted a job, with the job's request id and handle: the
 * job may be paid for, and `resumeJob(handle)` can still fetch its result without a new one.
 */
export function attachJob(thrown: unknown, handle: JobHandle, requestId?: string | undefined): BackdropError {
  const error = toBackdropError(thrown, handle.provider);
  return error.with({
    provider: error.provider ?? handle.provider,
    requestId: error.requestId ?? requestId ?? handle.id,
    handle,
  });
}
