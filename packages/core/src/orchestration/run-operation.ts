import { BackdropError } from '../errors/backdrop-error.js';
import { toBackdropError } from '../errors/normalize-error.js';
import type { PreparedMedia } from '../media/prepare-media.js';
import type { BackdropResult } from '../results/results.js';
import { type ProfileOf, type RouteCandidate, routeRequest } from '../routing/route-request.js';
import type { CallContext, JobOperation } from '../spec/adapter.js';
import type { JobHandle, JobStart } from '../spec/job.js';
import type { AdapterMedia } from '../spec/media.js';
import type { ProgressListener } from '../spec/progress.js';
import { buildResult } from './build-result.js';
import { createCallContext, downloadOptionsOf } from './call-context.js';
import { abortReason, type CallSignal, createCallSignal, graceSignal, untilAborted } from './call-signal.js';
import { cancelJob, followJob } from './follow-job.js';
import { handOverMedia } from './hand-over-media.js';
import type { ReleaseSlot } from './job-slots.js';
import type { OperationRuntime } from './operation-runtime.js';
import { ProgressReporter } from './progress-reporter.js';
import { type RetrySettings, withMaxRetries, withRetries } from './retry.js';
import { startRetryPolicy } from './start-safety.js';

/** How long a start request already sent may still answer after an abort, so its job can be cancelled. */
const startGraceMs = 10_000;

export type JobOperationName = 'removeBackground' | 'replaceBackground' | 'removeVideoBackground';

export interface CallOptions {
  provider?: string | undefined;
  model?: string | undefined;
  providerOptions?: Record<string, unknown> | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
  fallback?: boolean | undefined;
  download?: boolean | undefined;
  resendUnconfirmedStart?: boolean | undefined;
  onProgress?: ProgressListener | undefined;
  onJobAccepted?: ((handle: JobHandle) => void) | undefined;
  pollIntervalMs?: number | undefined;
}

/** Builds the adapter's call from the chosen variant, handing media over as it goes. */
export type BuildCall<Operation extends JobOperationName> = (
  candidate: RouteCandidate<Operation>,
  handOver: (media: PreparedMedia, field: string) => Promise<AdapterMedia>,
) => Promise<unknown>;

/** One validated request: its operation, what routing sees of it, and how to build its call. */
export interface OperationPlan<Operation extends JobOperationName = JobOperationName> {
  operation: Operation;
  profile: ProfileOf<Operation>;
  options: CallOptions;
  buildCall: BuildCall<Operation>;
}

export interface StartedJob {
  candidate: RouteCandidate;
  start: JobStart;
  context: CallContext;
  reporter: ProgressReporter;
  /** Frees the job's slot (`maxConcurrentJobs`) once the job has ended. */
  releaseSlot: ReleaseSlot;
}

export function retrySettingsFor(runtime: OperationRuntime, options: CallOptions): RetrySettings {
  return withMaxRetries(runtime.retry, options.maxRetries);
}

function jobOperationOf(candidate: RouteCandidate, operation: JobOperationName): JobOperation<unknown> {
  const jobOperation: JobOperation<unknown> | undefined = candidate.adapter[operation];
  if (!jobOperation) {
    throw new BackdropError({
      code: 'unsupported',
      provider: candidate.adapter.provider,
      message: `${candidate.adapter.displayName} does not implement ${operation}`,
    });
  }
  return jobOperation;
}

/** Hands the media over and starts the job on one provider, retrying the start on retryable errors. */
async function startOn<Operation extends JobOperationName>(
  runtime: OperationRuntime,
  plan: OperationPlan<Operation>,
  candidate: RouteCandidate<Operation>,
  callSignal: CallSignal,
): Promise<StartedJob> {
  const { adapter } = candidate;
  const retry = retrySettingsFor(runtime, plan.options);
  const reporter = new ProgressReporter(adapter.provider, plan.options.onProgress);
  const context: CallContext = {
    ...createCallContext(runtime, callSignal.signal, retry.download),
    onWorkProgress: ({ percent, frames }) =>
      reporter.emit({ type: 'running', provider: adapter.provider, logs: [], percent, frames }),
  };
  const handOverOptions = {
    adapter,
    context,
    retry: retry.upload,
    deadline: callSignal.deadline,
    reporter,
  };
  const call = await plan.buildCall(candidate, (media, field) =>
    handOverMedia(media, field, handOverOptions),
  );
  const jobOperation = jobOperationOf(candidate, plan.operation);
  // Uploaded: wait here for a free slot, so the job starts the moment another one ends.
  const releaseSlot = (await runtime.jobSlots?.acquire(callSignal.signal)) ?? (() => undefined);
  // A start already sent when the caller aborts still answers with the job's id: let it finish
  // (for a grace period) and cancel the job then, so no job is left running unseen.
  const startContext: CallContext = {
    ...context,
    signal: graceSignal(callSignal.signal, startGraceMs),
    workSignal: callSignal.signal,
  };
  const starting = withRetries(() => jobOperation.start(call, startContext), retry.start, {
    signal: callSignal.signal,
    provider: adapter.provider,
    deadline: callSignal.deadline,
    mayRetry: startRetryPolicy(plan.options.resendUnconfirmedStart ?? runtime.resendUnconfirmedStart),
  });
  let start: JobStart;
  try {
    start = await untilAborted(starting, callSignal.signal);
  } catch (error) {
    releaseSlot();
    if (callSignal.signal.aborted) {
      starting.then((late) => cancelJob(jobOperation, late.handle, context)).catch(() => undefined);
    }
    throw error;
  }
  return { candidate, start, context, reporter, releaseSlot };
}

/**
 * Runs `attempt` on the routed providers in order: the first, then (with fallback on) the next
 * capable one after each retryable failure. Moderation and invalid input are never fallen back from.
 */
async function onEachCandidate<Operation extends JobOperationName, T>(
  runtime: OperationRuntime,
  plan: OperationPlan<Operation>,
  callSignal: CallSignal,
  attempt: (candidate: RouteCandidate<Operation>) => Promise<T>,
): Promise<T> {
  const candidates = routeRequest({
    adapters: runtime.adapters,
    profile: plan.profile,
    provider: plan.options.provider,
    model: plan.options.model,
    providerOptions: plan.options.providerOptions,
  });
  const fallback = plan.options.fallback ?? runtime.fallback;
  const tried = fallback ? candidates : candidates.slice(0, 1);
  let lastError: BackdropError | undefined;
  for (const candidate of tried) {
    try {
      return await attempt(candidate);
    } catch (thrown) {
      const error = toBackdropError(thrown, candidate.adapter.provider);
      if (callSignal.signal.aborted) {
        // Keep the job's request id when the abort surfaced from inside it.
        throw error.code === 'aborted' || error.code === 'timeout' ? error : abortReason(callSignal.signal);
      }
      // A job the provider accepted may be paid for: never start a second one elsewhere.
      if (!fallback || !error.retryable || error.handle) throw error;
      lastError = error;
    }
  }
  throw lastError ?? new BackdropError({ code: 'unsupported', message: 'no provider was tried' });
}

/** Validated request in, normalized result out: route, upload, start, follow, build the result. */
export async function runOperation<Operation extends JobOperationName>(
  runtime: OperationRuntime,
  plan: OperationPlan<Operation>,
): Promise<BackdropResult> {
  const timeoutMs =
    plan.options.timeoutMs ??
    (plan.operation === 'removeVideoBackground' ? runtime.videoTimeoutMs : runtime.imageTimeoutMs);
  const callSignal = createCallSignal({ signal: plan.options.signal, timeoutMs });
  try {
    return await onEachCandidate(runtime, plan, callSignal, async (candidate) => {
      const started = await startOn(runtime, plan, candidate, callSignal);
      const retry = retrySettingsFor(runtime, plan.options);
      const { handle } = started.start;
      try {
        plan.options.onJobAccepted?.(handle);
      } catch {
        // The caller's listener failing must not cost the job it was told about.
      }
      const output = await followJob(
        jobOperationOf(candidate, plan.operation),
        handle,
        started.start.update,
        {
          context: started.context,
          retry,
          pollIntervalMs: plan.options.pollIntervalMs ?? runtime.pollIntervalMs,
          deadline: callSignal.deadline,
          reporter: started.reporter,
        },
      ).finally(started.releaseSlot);
      const result = buildResult({
        handle,
        output,
        variantPrice: candidate.variant.price,
        downloadOptions: downloadOptionsOf(runtime, callSignal.signal),
        retry: retry.download,
        reporter: started.reporter,
        startWarnings: started.start.warnings,
      });
      if (plan.options.download) {
        // The job is done and paid: a download that fails for good keeps the handle to resume.
        for (const file of result.outputs) await file.bytes();
      }
      started.reporter.emit({ type: 'done', provider: candidate.adapter.provider });
      return result;
    });
  } finally {
    callSignal.dispose();
  }
}

/** Validated request in, a started job out (for long jobs that are saved and resumed). */
export async function startOperation<Operation extends JobOperationName>(
  runtime: OperationRuntime,
  plan: OperationPlan<Operation>,
): Promise<StartedJob> {
  const callSignal = createCallSignal({
    signal: plan.options.signal,
    timeoutMs: plan.options.timeoutMs ?? runtime.imageTimeoutMs,
  });
  try {
    // The caller follows this job on its own: its slot only covered starting it.
    const started = await onEachCandidate(runtime, plan, callSignal, (candidate) =>
      startOn(runtime, plan, candidate, callSignal),
    );
    started.releaseSlot();
    return started;
  } finally {
    callSignal.dispose();
  }
}
