import { BackdropError } from '../errors/backdrop-error.js';
import type { CallContext, JobOperation } from '../spec/adapter.js';
import type { AdapterOutput, JobHandle, JobUpdate } from '../spec/job.js';
import { attachJob } from './attach-job.js';
import { abortReason, sleep } from './call-signal.js';
import { createPollSchedule } from './poll-schedule.js';
import type { ProgressReporter } from './progress-reporter.js';
import { type RetrySettings, withRetries } from './retry.js';

export interface FollowJobOptions {
  context: CallContext;
  retry: RetrySettings;
  /** A fixed interval between status calls; undefined: start fast and back off. */
  pollIntervalMs: number | undefined;
  deadline: number | undefined;
  reporter: ProgressReporter;
}

type TerminalUpdate = Extract<JobUpdate, { state: 'completed' | 'failed' | 'cancelled' }>;

function isTerminal(update: JobUpdate): update is TerminalUpdate {
  return update.state === 'completed' || update.state === 'failed' || update.state === 'cancelled';
}

/** Waits at most this long for a provider to accept a cancel sent after an abort. */
const cancelTimeoutMs = 10_000;

/**
 * Asks the provider to cancel a job, on a signal of its own (the call's has already fired).
 * Best effort: a failure to cancel is not the caller's error.
 */
export async function cancelJob(
  operation: JobOperation<unknown>,
  handle: JobHandle,
  context: CallContext,
): Promise<boolean> {
  if (!operation.cancel) return false;
  try {
    await operation.cancel(handle, { ...context, signal: AbortSignal.timeout(cancelTimeoutMs) });
    return true;
  } catch {
    return false;
  }
}

async function nextTerminalFromStream(
  operation: JobOperation<unknown>,
  handle: JobHandle,
  options: FollowJobOptions,
): Promise<TerminalUpdate | undefined> {
  if (!operation.watch) return undefined;
  try {
    for await (const update of operation.watch(handle, options.context)) {
      options.reporter.update(update);
      if (isTerminal(update)) return update;
    }
  } catch (error) {
    if (options.context.signal.aborted) throw abortReason(options.context.signal);
    // A broken stream is not the job failing: fall back to polling.
    void error;
  }
  return undefined;
}

/**
 * Follows a started job to its end: over the adapter's stream when it has one, else (or when
 * the stream fails or ends early) by polling `status` on a backoff schedule, each poll retried
 * on retryable errors.
 * On abort or timeout it asks the provider to cancel the job before rethrowing.
 */
export async function followJob(
  operation: JobOperation<unknown>,
  handle: JobHandle,
  firstUpdate: JobUpdate,
  options: FollowJobOptions,
): Promise<AdapterOutput> {
  const { context, reporter } = options;
  reporter.update(firstUpdate);
  let update: JobUpdate = firstUpdate;
  try {
    if (!isTerminal(update)) update = (await nextTerminalFromStream(operation, handle, options)) ?? update;
    // Polling starts here, after the stream if any: the job may be close to its end by now.
    const nextPollDelay = createPollSchedule(options.pollIntervalMs);
    while (!isTerminal(update)) {
      await sleep(nextPollDelay(), context.signal);
      update = await withRetries(() => operation.status(handle, context), options.retry.status, {
        signal: context.signal,
        provider: handle.provider,
        deadline: options.deadline,
      });
      reporter.update(update);
    }
  } catch (thrown) {
    if (context.signal.aborted) {
      // Aborted or timed out: the job is cancelled, so there is nothing to resume.
      const error = abortReason(context.signal);
      await cancelJob(operation, handle, context);
      throw error.requestId ? error : error.with({ requestId: handle.id, provider: handle.provider });
    }
    // The job was accepted and may still finish: keep its handle, to resume it.
    throw attachJob(thrown, handle);
  }
  if (update.state === 'failed') throw attachJob(update.error, handle);
  if (update.state === 'cancelled') {
    throw new BackdropError({
      code: 'aborted',
      provider: handle.provider,
      requestId: handle.id,
      message: `the ${handle.provider} job ${handle.id} was cancelled`,
    });
  }
  return update.output;
}
