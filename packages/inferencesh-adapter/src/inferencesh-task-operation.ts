import type { JobHandle, JobOperation, JobUpdate } from '@backdrop/core/provider';
import type { InferenceShClient } from './inferencesh-client.js';
import type { InferenceShOperationMapping } from './inferencesh-operation-mapping.js';
import { parseInferenceShProviderOptions } from './inferencesh-provider-options.js';
import { isTerminal, type TaskDto, taskToUpdate } from './inferencesh-task.js';

/**
 * A normalized operation over the task API: POST /apps/run, follow the NDJSON stream (core
 * polls GET /tasks/{id}/status when the stream fails or ends early), POST /tasks/{id}/cancel.
 */
export function createInferenceShTaskOperation<
  Call extends { model: string; providerOptions: unknown; webhookUrl?: string | undefined },
>(client: () => InferenceShClient, mapping: InferenceShOperationMapping<Call>): JobOperation<Call> {
  const toUpdate = (task: Partial<TaskDto>): JobUpdate => taskToUpdate(task, mapping.toOutput);
  return {
    async start(call, context) {
      const options = parseInferenceShProviderOptions(call.providerOptions);
      const task = await client().call<TaskDto>(
        'POST',
        '/apps/run',
        {
          app: call.model,
          input: mapping.toInput(call),
          ...(call.webhookUrl ? { webhook: call.webhookUrl } : {}),
          ...(options.infra ? { infra: options.infra } : {}),
        },
        context,
      );
      const handle: JobHandle = {
        provider: 'inferencesh',
        operation: mapping.operation,
        model: call.model,
        id: task.id,
      };
      return { handle, update: toUpdate(task) };
    },

    async status(handle, context) {
      const status = await client().call<{ status: TaskDto['status'] }>(
        'GET',
        `/tasks/${handle.id}/status`,
        undefined,
        context,
      );
      // The status endpoint is small; the task itself is read once it has ended.
      if (!isTerminal(status.status)) return toUpdate({ id: handle.id, status: status.status });
      return toUpdate(await client().call<TaskDto>('GET', `/tasks/${handle.id}`, undefined, context));
    },

    async *watch(handle, context) {
      // Lines are a full task, a {data} wrapper, a partial update {data, fields}, or a heartbeat.
      let task: Partial<TaskDto> = { id: handle.id };
      for await (const line of client().stream(`/tasks/${handle.id}/stream`, context)) {
        const record = line as { type?: unknown; event?: unknown; data?: unknown };
        if (record.type === 'heartbeat' || record.event === 'delta') continue;
        const changes = (
          record.data && typeof record.data === 'object' ? record.data : record
        ) as Partial<TaskDto>;
        task = { ...task, ...changes };
        yield toUpdate(task);
        if (isTerminal(task.status)) return;
      }
    },

    async cancel(handle, context) {
      await client().call('POST', `/tasks/${handle.id}/cancel`, undefined, context);
    },
  };
}
