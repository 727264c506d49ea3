import type { AdapterOutput, AdapterOutputFile, JobUpdate } from '@backdrop/core/provider';
import type { components } from './generated/inferencesh-task-api.js';
import { mapFailedTask } from './inferencesh-error.js';

export type TaskDto = components['schemas']['TaskDTO'];
type StatusName = components['schemas']['TaskStatusName'];

const statusNumbers: Readonly<Record<StatusName, number>> = {
  unknown: 0,
  received: 1,
  queued: 2,
  dispatched: 3,
  preparing: 4,
  serving: 5,
  setting_up: 6,
  running: 7,
  cancelling: 8,
  uploading: 9,
  completed: 10,
  failed: 11,
  cancelled: 12,
};

/** The status as a number, from a number or one of the lower-case names the SDKs also accept. */
function statusNumber(status: unknown): number {
  if (typeof status === 'number') return status;
  return typeof status === 'string' ? (statusNumbers[status as StatusName] ?? 0) : 0;
}

export function isTerminal(status: unknown): boolean {
  const number = statusNumber(status);
  return number === 10 || number === 11 || number === 12;
}

/** An app's output file: `{uri, content_type, size}` or, as some apps answer, a bare URI string. */
export function toOutputFile(value: unknown): AdapterOutputFile | undefined {
  if (typeof value === 'string') return { url: value };
  if (!value || typeof value !== 'object') return undefined;
  const file = value as { uri?: unknown; url?: unknown; content_type?: unknown; size?: unknown };
  const url = typeof file.uri === 'string' ? file.uri : typeof file.url === 'string' ? file.url : undefined;
  if (!url) return undefined;
  return {
    url,
    contentType: typeof file.content_type === 'string' ? file.content_type : undefined,
    sizeBytes: typeof file.size === 'number' ? file.size : undefined,
  };
}

/**
 * A task as a job update. Statuses use the current numbering: 1-3 waiting, 4-9 working (9 is
 * uploading, not done), 10 completed, 11 failed, 12 cancelled.
 */
export function taskToUpdate(
  task: Partial<TaskDto>,
  toOutput: (output: Record<string, unknown>) => AdapterOutput,
): JobUpdate {
  const status = statusNumber(task.status);
  const logs = (task.logs ?? []).map((log) => log.content ?? '').filter((line) => line !== '');
  if (status === 10)
    return { state: 'completed', output: { ...toOutput(task.output ?? {}), requestId: task.id }, logs };
  if (status === 11) return { state: 'failed', error: mapFailedTask(task.error ?? '', task.id ?? ''), logs };
  if (status === 12) return { state: 'cancelled', logs };
  if (status <= 3) return { state: 'queued', logs };
  return { state: 'running', percent: typeof task.progress === 'number' ? task.progress : undefined, logs };
}
