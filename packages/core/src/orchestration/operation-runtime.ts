import type { HostLookup } from '../download/safe-download.js';
import type { LocalFileReader } from '../media/prepare-media.js';
import type { BackdropAdapter } from '../spec/adapter.js';
import type { JobSlots } from './job-slots.js';
import type { RetrySettings } from './retry.js';

/** Settings every operation of one Backdrop instance shares. */
export interface OperationRuntime {
  adapters: readonly BackdropAdapter[];
  retry: RetrySettings;
  /** Resend a start whose answer was lost after sending (may pay twice); off by default. */
  resendUnconfirmedStart: boolean;
  /** Private hosts, addresses or ranges downloads may reach all the same. */
  allowPrivateAddresses: readonly string[] | undefined;
  /** A fixed poll interval the caller chose; undefined: the backoff schedule. */
  pollIntervalMs: number | undefined;
  /** The limit on jobs in flight (`maxConcurrentJobs`), when the caller set one. */
  jobSlots: JobSlots | undefined;
  imageTimeoutMs: number;
  videoTimeoutMs: number;
  fallback: boolean;
  fetch: typeof fetch;
  maxDownloadBytes: number | undefined;
  readLocalFile: LocalFileReader | undefined;
  lookupHost: HostLookup | undefined;
}
