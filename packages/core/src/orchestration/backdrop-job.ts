import { BackdropError } from '../errors/backdrop-error.js';
import type { BackdropResult } from '../results/results.js';
import type { BackdropAdapter, CallContext, JobOperation } from '../spec/adapter.js';
import type { Price } from '../spec/capabilities.js';
import type { JobHandle, JobUpdate } from '../spec/job.js';
import type { ProgressListener } from '../spec/progress.js';
import type { BackdropWarning } from '../spec/warning.js';
import { attachJob } from './attach-job.js';
import { buildResult } from './build-result.js';
import { createCallContext, downloadOptionsOf } from './call-context.js';
import { createCallSignal } from './call-signal.js';
import { followJob } from './follow-job.js';
import type { OperationRuntime } from './operation-runtime.js';
import { ProgressReporter } from './progress-reporter.js';
import { withRetries } from './retry.js';
import { retrySettingsFor } from './run-operation.js';

/** Where a job is, as `status()` reports it. */
export interface JobStatus {
  state: JobUpdate['state'];
  position?: number | undefined;
  percent?: number | undefined;
  logs: readonly string[];
  error?: BackdropError | undefined;
}

export interface JobWaitOptions {
  signal?: AbortSignal | undefined;
  /** Past this, the provider job is cancelled and the wait fails with `timeout`. */
  timeoutMs?: number | undefined;
  onProgress?: ProgressListener | undefined;
  pollIntervalMs?: number | undefined;
  /** Download the output before returning. */
  download?: boolean | undefined;
}

/** A provider job: its handle is plain JSON, to save and resume with `resumeJob`. */
export interface BackdropJob {
  readonly handle: JobHandle;
  status(options?: { signal?: AbortSignal | undefined }): Promise<JobStatus>;
  wait(options?: JobWaitOptions): Promise<BackdropResult>;
  cancel(options?: { signal?: AbortSignal | undefined }): Promise<void>;
}

function findAdapter(runtime: OperationRuntime, handle: JobHandle): BackdropAdapter {
  const adapter = runtime.adapters.find((candidate) => candidate.provider === handle.provider);
  if (!adapter) {
    throw new BackdropError({
      code: 'invalid_input',
      field: 'handle.provider',
      message: `handle.provider: ${JSON.stringify(handle.provider)} is not configured; configured: ${runtime.adapters.map((candidate) => candidate.provider).join(', ')}`,
    });
  }
  return adapter;
}

function jobOperationFor(adapter: BackdropAdapter, handle: JobHandle): JobOperation<unknown> {
  const operation: JobOperation<unknown> | undefined =
    handle.operation === 'connectRealtimeVideo' ? undefined : adapter[handle.operation];
  if (!operation) {
    throw new BackdropError({
      code: 'unsupported',
      provider: adapter.provider,
      field: 'handle.operation',
      message: `handle.operation: ${adapter.displayName} has no ${handle.operation} jobs`,
    });
  }
  return operation;
}

export function createBackdropJob(
  runtime: OperationRuntime,
  handle: JobHandle,
  firstUpdate?: JobUpdate,
  startWarnings?: readonly BackdropWarning[],
): BackdropJob {
  const adapter = findAdapter(runtime, handle);
  const operation = jobOperationFor(adapter, handle);
  const variants: readonly { model: string; price?: Price | undefined }[] =
    adapter.capabilities[handle.operation] ?? [];
  const variantPrice = variants.find((variant) => variant.model === handle.model)?.price;
  const retry = retrySettingsFor(runtime, {});
  let latestUpdate = firstUpdate;

  async function withCallSignal<T>(
    options: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined },
    work: (context: CallContext, deadline: number | undefined) => Promise<T>,
  ): Promise<T> {
    const callSignal = createCallSignal({ signal: options.signal, timeoutMs: options.timeoutMs });
    try {
      return await work(createCallContext(runtime, callSignal.signal), callSignal.deadline);
    } finally {
      callSignal.dispose();
    }
  }

  const statusOnce = (context: CallContext, deadline: number | undefined) =>
    withRetries(() => operation.status(handle, context), retry.status, {
      signal: context.signal,
      provider: handle.provider,
      deadline,
    }).catch((error) => {
      throw context.signal.aborted ? error : attachJob(error, handle);
    });

  return {
    handle,
    status(options = {}) {
      return withCallSignal({ ...options, timeoutMs: runtime.imageTimeoutMs }, async (context, deadline) => {
        const update = await statusOnce(context, deadline);
        latestUpdate = update;
        return {
          state: update.state,
          position: update.state === 'queued' ? update.position : undefined,
          percent: update.state === 'running' ? update.percent : undefined,
          logs: update.logs ?? [],
          error: update.state === 'failed' ? update.error : undefined,
        };
      });
    },
    wait(options = {}) {
      const timeoutMs =
        options.timeoutMs ??
        (handle.operation === 'removeVideoBackground' ? runtime.videoTimeoutMs : runtime.imageTimeoutMs);
      return withCallSignal({ signal: options.signal, timeoutMs }, async (context, deadline) => {
        const reporter = new ProgressReporter(handle.provider, options.onProgress);
        const first = latestUpdate ?? (await statusOnce(context, deadline));
        const output = await followJob(operation, handle, first, {
          context,
          retry,
          pollIntervalMs: options.pollIntervalMs ?? runtime.pollIntervalMs,
          deadline,
          reporter,
        });
        const result = buildResult({
          handle,
          output,
          variantPrice,
          downloadOptions: downloadOptionsOf(runtime, context.signal),
          retry: retry.download,
          reporter,
          startWarnings,
        });
        if (options.download) for (const file of result.outputs) await file.bytes();
        reporter.emit({ type: 'done', provider: handle.provider });
        return result;
      });
    },
    cancel(options = {}) {
      return withCallSignal({ ...options, timeoutMs: runtime.imageTimeoutMs }, async (context, deadline) => {
        const cancel = operation.cancel?.bind(operation);
        if (!cancel) {
          throw new BackdropError({
            code: 'unsupported',
            provider: handle.provider,
            message: `${adapter.displayName} cannot cancel ${handle.operation} jobs`,
          });
        }
        await withRetries(() => cancel(handle, context), retry.cancel, {
          signal: context.signal,
          provider: handle.provider,
          deadline,
        });
        latestUpdate = { state: 'cancelled' };
      });
    },
  };
}
