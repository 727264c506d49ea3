import type { CallContext, JobHandle, JobOperation, JobUpdate, JsonValue } from '@backdrop/core/provider';
import { BackdropError } from '@backdrop/core/provider';
import type { FalOperationMapping } from './fal-operation-mapping.js';
import { parseFalProviderOptions } from './fal-provider-options.js';
import type { FalQueueClient, FalQueueStatus } from './fal-queue-client.js';

function logLines(status: FalQueueStatus): string[] {
  return (status.logs ?? []).map((log) => log.message);
}

function memoOf(handle: JobHandle): { [key: string]: JsonValue } {
  const memo = handle.data?.memo;
  return memo && typeof memo === 'object' && !Array.isArray(memo) ? memo : {};
}

/** A job update from a queue status (polled or streamed); at COMPLETED the result is read. */
async function updateFromStatus<Call>(
  queue: FalQueueClient,
  mapping: FalOperationMapping<Call>,
  handle: JobHandle,
  status: FalQueueStatus,
  context: CallContext,
): Promise<JobUpdate> {
  const logs = logLines(status);
  if (status.status === 'IN_QUEUE') return { state: 'queued', position: status.queue_position, logs };
  if (status.status === 'IN_PROGRESS') return { state: 'running', logs };
  try {
    const result = await queue.result(handle.model, handle.id, context);
    const output = mapping.toOutput(handle.model, result.data, memoOf(handle));
    return {
      state: 'completed',
      logs,
      output: {
        ...output,
        requestId: result.requestId || handle.id,
        warnings: output.warnings ?? [],
      },
    };
  } catch (error) {
    // The model's own refusal (422, moderation, a cancelled request) ends the job; a
    // transient failure to read the result is thrown, for core to retry.
    if (BackdropError.isInstance(error) && !error.retryable) {
      return error.code === 'aborted' ? { state: 'cancelled', logs } : { state: 'failed', error, logs };
    }
    throw error;
  }
}

/**
 * A normalized operation over fal's queue: submit, then the status stream (or a status call,
 * when core polls) with logs, the result once COMPLETED, and cancel. Core follows and retries;
 * this maps and talks to fal.
 */
export function createFalQueueOperation<
  Call extends { providerOptions: unknown; webhookUrl?: string | undefined },
>(queue: FalQueueClient, mapping: FalOperationMapping<Call>): JobOperation<Call> {
  const toUpdate = (handle: JobHandle, status: FalQueueStatus, context: CallContext) =>
    updateFromStatus(queue, mapping, handle, status, context);
  return {
    async start(call, context) {
      const options = parseFalProviderOptions(call.providerOptions);
      const plan = mapping.toRequest(call, options);
      const submitted = await queue.submit(
        plan.endpoint,
        plan.input,
        {
          webhookUrl: call.webhookUrl,
          priority: options.priority,
          startTimeoutSeconds: options.startTimeoutSeconds,
        },
        context,
      );
      if (typeof submitted.request_id !== 'string' || submitted.request_id === '') {
        throw new BackdropError({
          code: 'provider_error',
          provider: 'fal',
          retryable: false,
          message: `fal accepted the request to ${plan.endpoint} but answered without a request_id; the job may have started`,
        });
      }
      const handle: JobHandle = {
        provider: 'fal',
        operation: mapping.operation,
        model: plan.endpoint,
        id: submitted.request_id,
        data: { memo: plan.memo },
      };
      return {
        handle,
        update: { state: 'queued', position: submitted.queue_position },
        warnings: plan.warnings,
      };
    },

    async status(handle, context) {
      return toUpdate(handle, await queue.status(handle.model, handle.id, context), context);
    },

    async *watch(handle, context) {
      for await (const status of queue.streamStatus(handle.model, handle.id, context)) {
        const update = await toUpdate(handle, status, context);
        yield update;
        if (status.status === 'COMPLETED') return;
      }
    },

    async cancel(handle, context) {
      await queue.cancel(handle.model, handle.id, context);
    },
  };
}
