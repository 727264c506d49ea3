import type { DownloadOptions } from '../download/safe-download.js';
import { BackdropError } from '../errors/backdrop-error.js';
import { downloadWithRetries } from '../orchestration/call-context.js';
import type { RetryOptions } from '../orchestration/retry.js';
import type { AdapterOutputFile } from '../spec/job.js';

/** One result file: where it is, what is known of it, and its bytes on demand. */
export interface BackdropOutput {
  /** An http(s) URL or a data URI; undefined for outputs that only exist in memory (local engine). */
  readonly url: string | undefined;
  readonly contentType: string | undefined;
  readonly sizeBytes: number | undefined;
  readonly width: number | undefined;
  readonly height: number | undefined;
  readonly durationSeconds: number | undefined;
  /** The file's bytes: downloaded once (safely, with a size cap, retried on transient failures) and kept. */
  bytes(): Promise<Uint8Array<ArrayBuffer>>;
}

export function createOutput(
  file: AdapterOutputFile,
  downloadOptions: () => DownloadOptions,
  retry: RetryOptions,
  /** Gives a failure the job's request id and handle: the job was paid, its result can be fetched again. */
  describeFailure: (error: unknown) => unknown = (error) => error,
): BackdropOutput {
  let pending: Promise<Uint8Array<ArrayBuffer>> | undefined;
  const output = {
    url: file.url,
    contentType: file.contentType,
    sizeBytes: file.sizeBytes,
    width: file.width,
    height: file.height,
    durationSeconds: file.durationSeconds,
    bytes(): Promise<Uint8Array<ArrayBuffer>> {
      pending ??= load().catch((error) => {
        pending = undefined; // a failed download may be tried again
        throw describeFailure(error);
      });
      return pending;
    },
  };
  async function load(): Promise<Uint8Array<ArrayBuffer>> {
    if (file.data) return new Uint8Array(await file.data.arrayBuffer());
    if (!file.url)
      throw new BackdropError({
        code: 'provider_error',
        retryable: false,
        message: 'the output has neither a URL nor bytes',
      });
    const downloaded = await downloadWithRetries(file.url, downloadOptions(), retry);
    output.sizeBytes ??= downloaded.bytes.byteLength;
    output.contentType ??= downloaded.contentType;
    return downloaded.bytes;
  }
  return output;
}
