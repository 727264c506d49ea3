import type { Backdrop, BackdropJob, BackdropResult, JobHandle, ProgressListener } from '@backdrop/core';
import { isBackdropError } from '@backdrop/core';
import type { JobContext } from './job-types.js';

export interface ProviderJobOptions {
  backdrop: Backdrop;
  context: JobContext<unknown>;
  /** Starts the provider job: core's `startRemoveBackground` or `startReplaceBackground`, with `context.signal`. */
  start: () => Promise<BackdropJob>;
  onProgress?: ProgressListener | undefined;
}

/** A handle is worth keeping when starting again would be paid again (the local engine is free, and cannot resume). */
export function isPaidJob(backdrop: Backdrop, handle: JobHandle): boolean {
  const summary = backdrop.providers.find((provider) => provider.provider === handle.provider);
  const variants: readonly { model: string; price?: { usd: number } | undefined }[] =
    (handle.operation !== 'connectRealtimeVideo' && summary?.capabilities[handle.operation]) || [];
  const price = variants.find((variant) => variant.model === handle.model)?.price;
  return price?.usd !== 0;
}

/**
 * Runs one provider job so that it is never paid for twice: a handle saved by an earlier
 * attempt (or by a worker that died) is resumed; otherwise the job is started and its handle
 * saved at once, before waiting. The result is downloaded before returning.
 */
export async function runProviderJob(options: ProviderJobOptions): Promise<BackdropResult> {
  const { backdrop, context } = options;
  const saved = context.savedHandle;
  const job = saved ? backdrop.resumeJob(saved) : await options.start();
  if (!saved && isPaidJob(backdrop, job.handle)) {
    // The job is started and may be charged: finishing it matters more than the copy of its
    // handle, so a failed save does not stop the wait.
    await context.saveHandle(job.handle).catch(() => undefined);
  }
  const onProgress: ProgressListener = (event) => {
    options.onProgress?.(event);
    // Kept with the job for whoever follows it; a failed write is not the job's failure.
    const percent = event.type === 'running' ? event.percent : undefined;
    context.reportProgress({ stage: event.type, percent }).catch(() => undefined);
  };
  try {
    return await job.wait({ signal: context.signal, download: true, onProgress });
  } catch (error) {
    // Core sets `handle` only when the job can still be fetched; a job that failed or was
    // cancelled at the provider has nothing to resume, so the next attempt starts anew.
    if (!(isBackdropError(error) && error.handle)) await context.saveHandle(undefined).catch(() => undefined);
    throw error;
  }
}
