import type { BackdropError } from '../errors/backdrop-error.js';
import type { OperationName } from './capabilities.js';
import type { BackdropWarning } from './warning.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A job as the provider knows it: plain JSON, so it can be saved and resumed in another
 * process. `data` belongs to the adapter (status and cancel URLs, and the like).
 */
export interface JobHandle {
  provider: string;
  operation: OperationName;
  model: string;
  id: string;
  data?: { [key: string]: JsonValue } | undefined;
}

/** One file a provider produced. */
export interface AdapterOutputFile {
  /** An http(s) URL or a data URI; absent when `data` holds the bytes. */
  url?: string | undefined;
  data?: Blob | undefined;
  contentType?: string | undefined;
  sizeBytes?: number | undefined;
  width?: number | undefined;
  height?: number | undefined;
  /** Seconds, for videos. */
  durationSeconds?: number | undefined;
}

export interface AdapterOutput {
  files: readonly AdapterOutputFile[];
  seed?: number | undefined;
  requestId?: string | undefined;
  warnings?: readonly BackdropWarning[] | undefined;
}

/**
 * Where a job is. Logs are cumulative (everything so far); core reports only the new lines.
 */
export type JobUpdate =
  | { state: 'queued'; position?: number | undefined; logs?: readonly string[] | undefined }
  | { state: 'running'; percent?: number | undefined; logs?: readonly string[] | undefined }
  | { state: 'completed'; output: AdapterOutput; logs?: readonly string[] | undefined }
  | { state: 'failed'; error: BackdropError; logs?: readonly string[] | undefined }
  | { state: 'cancelled'; logs?: readonly string[] | undefined };

export interface JobStart {
  handle: JobHandle;
  /** The job's state as the start call reported it; a synchronous provider answers `completed`. */
  update: JobUpdate;
  /** What the adapter could not honour exactly when it mapped the request; they reach the result. */
  warnings?: readonly BackdropWarning[] | undefined;
}
