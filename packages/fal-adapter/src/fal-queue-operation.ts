import {
  BackdropError,
  type BackdropWarning,
  type CallContext,
  type JobHandle,
  type JobOperation,
  type JobUpdate,
  type JsonValue,
} from '@backdrop/core';
import type { FalClient } from '@fal-ai/client';
import type { FalOperationMapping } from './fal-operation-mapping.js';
import { parseFalProviderOptions } from './fal-provider-options.js';

interface FalQueueStatus {
  status: 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED';
  queue_position?: number;
  logs?: Array<{ message: string }> | null;
}

function logLines(status: FalQueueStatus): string[] {
  return (status.logs ?? []).map((log) => log.message);
}

function memoOf(handle: JobHandle): { [key: string]: JsonValue } {
  const memo = handle.data?.memo;
  return memo && typeof memo === 'object' && !Array.isArray(memo) ? memo : {};
}

function warningsOf(handle: JobHandle): BackdropWarning[] {
  const warnings = handle.data?.warnings;
  return Array.isArray(warnings) ? (warnings as unknown as BackdropWarning[]) : [];
}

/**
 * A normalized operation over fal's queue: submit, then status with logs, the result once
 * COMPLETED, and cancel. Core polls and retries; this maps and talks to fal.
 */
export function createFalQueueOperation<
  Call extends { providerOptions: unknown; webhookUrl?: string | undefined },
>(client: () => FalClient, mapping: FalOperationMapping<Call>): JobOperation<Call> {
  return {
    async start(call, context) {
      const options = parseFalProviderOptions(call.providerOptions);
      const plan = mapping.toRequest(call, options);
      const submitted = await client().queue.submit(plan.endpoint, {
        input: plan.input,
        webhookUrl: call.webhookUrl,
        abortSignal: context.signal,
        ...(options.priority ? { priority: options.priority } : {}),
        ...(options.startTimeoutSeconds ? { startTimeout: options.startTimeoutSeconds } : {}),
      });
      const handle: JobHandle = {
        provider: 'fal',
        operation: mapping.operation,
        model: plan.endpoint,
        id: submitted.request_id,
        data: { memo: plan.memo, warnings: plan.warnings as unknown as JsonValue[] },
      };
      return { handle, update: { state: 'queued', position: (submitted as FalQueueStatus).queue_position } };
    },

    async status(handle, context: CallContext): Promise<JobUpdate> {
      const status = (await client().queue.status(handle.model, {
        requestId: handle.id,
        logs: true,
        abortSignal: context.signal,
      })) as FalQueueStatus;
      const logs = logLines(status);
      if (status.status === 'IN_QUEUE') return { state: 'queued', position: status.queue_position, logs };
      if (status.status === 'IN_PROGRESS') return { state: 'running', logs };
      try {
        const result = await client().queue.result(handle.model, {
          requestId: handle.id,
          abortSignal: context.signal,
        });
        const output = mapping.toOutput(handle.model, result.data, memoOf(handle));
        return {
          state: 'completed',
          logs,
          output: {
            ...output,
            requestId: result.requestId || handle.id,
            warnings: [...warningsOf(handle), ...(output.warnings ?? [])],
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
    },

    async cancel(handle, context) {
      await client().queue.cancel(handle.model, { requestId: handle.id, abortSignal: context.signal });
    },
  };
}
