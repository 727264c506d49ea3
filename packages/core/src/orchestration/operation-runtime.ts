import type { HostLookup } from '../download/safe-download.js';
import type { LocalFileReader } from '../media/prepare-media.js';
import type { BackdropAdapter } from '../spec/adapter.js';
import type { RetryOptions } from './retry.js';

/** Settings every operation of one Backdrop instance shares. */
export interface OperationRuntime {
  adapters: readonly BackdropAdapter[];
  retry: RetryOptions;
  pollIntervalMs: number;
  imageTimeoutMs: number;
  videoTimeoutMs: number;
  fallback: boolean;
  fetch: typeof fetch;
  maxDownloadBytes: number | undefined;
  readLocalFile: LocalFileReader | undefined;
  lookupHost: HostLookup | undefined;
}
