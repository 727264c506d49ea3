import type { DownloadedFile } from '../download/safe-download.js';
import type {
  RealtimeVideoCall,
  RemoveBackgroundCall,
  RemoveVideoBackgroundCall,
  ReplaceBackgroundCall,
} from './calls.js';
import type { OperationName, ProviderCapabilities } from './capabilities.js';
import type { JobHandle, JobStart, JobUpdate } from './job.js';
import type { WorkProgress } from './progress.js';
import type { RealtimeConnection, RealtimeConnectionEvents } from './realtime.js';

/** What core gives every adapter call. */
export interface CallContext {
  /**
   * Aborted when the caller aborts or the call's timeout passes. In `start` it is aborted a grace
   * period later, so that a job id already on its way back is not lost (the job is then cancelled).
   */
  signal: AbortSignal;
  /**
   * Aborted at once when the caller aborts or the timeout passes, in `start` too: work an adapter
   * does itself inside `start` (the local engine) stops on this one, as there is no job to lose.
   */
  workSignal?: AbortSignal | undefined;
  /** The fetch to use (the caller's, or the global one). */
  fetch: typeof fetch;
  /**
   * Fetches a caller's URL (an input an adapter must read itself) through core's safe download:
   * http(s) only, a size cap, no loopback, private or link-local address (first URL and
   * redirects) unless the caller allowed it, retried like every download. Refusals name `field`.
   */
  download(url: string, field: string): Promise<DownloadedFile>;
  /** Upload progress, for adapters that can observe it. */
  onUploadProgress?: ((loadedBytes: number, totalBytes: number) => void) | undefined;
  /** Progress of work the adapter does itself (the local engine), reported as `running` events. */
  onWorkProgress?: ((progress: WorkProgress) => void) | undefined;
}

/**
 * One long-running operation. Core drives it: it calls `start`, then follows the job with
 * `watch` when the adapter has one (a provider stream) and falls back to polling `status`;
 * it retries each step on retryable errors and calls `cancel` on abort or timeout.
 */
export interface JobOperation<Call> {
  start(call: Call, context: CallContext): Promise<JobStart>;
  status(handle: JobHandle, context: CallContext): Promise<JobUpdate>;
  /** Follows a job over a provider stream; ending without a terminal update means "poll instead". */
  watch?(handle: JobHandle, context: CallContext): AsyncIterable<JobUpdate>;
  cancel?(handle: JobHandle, context: CallContext): Promise<void>;
}

export interface UploadFileRequest {
  data: Blob;
  fileName: string;
  contentType: string;
}

/** The contract every provider adapter implements. */
export interface BackdropAdapter {
  readonly specificationVersion: 'v1';
  /** A stable id: `fal`, `inferencesh`, `local`. */
  readonly provider: string;
  /** How people name it in messages: `fal`, `inference.sh`, `local engine`. */
  readonly displayName: string;
  readonly capabilities: ProviderCapabilities;
  /**
   * Checks the caller's options for this provider before anything is sent (throwing an
   * `invalid_input` BackdropError that names `providerOptions.<provider>.<field>`), and may pin
   * one of its models from them, which routing then treats like the request's `model`.
   */
  prepareProviderOptions?(operation: OperationName, options: unknown): { model?: string | undefined };
  /** Puts local bytes where the provider can read them; without it, adapters receive bytes. */
  uploadFile?(file: UploadFileRequest, context: CallContext): Promise<{ url: string }>;
  readonly removeBackground?: JobOperation<RemoveBackgroundCall> | undefined;
  readonly replaceBackground?: JobOperation<ReplaceBackgroundCall> | undefined;
  readonly removeVideoBackground?: JobOperation<RemoveVideoBackgroundCall> | undefined;
  connectRealtimeVideo?(
    call: RealtimeVideoCall,
    events: RealtimeConnectionEvents,
    context: CallContext,
  ): Promise<RealtimeConnection>;
}
