import type { PreparedMedia } from '../media/prepare-media.js';
import type { BackdropAdapter, CallContext } from '../spec/adapter.js';
import type { AdapterMedia } from '../spec/media.js';
import type { ProgressReporter } from './progress-reporter.js';
import { type RetryOptions, withRetries } from './retry.js';

export interface HandOverOptions {
  adapter: BackdropAdapter;
  context: CallContext;
  retry: RetryOptions;
  deadline: number | undefined;
  reporter: ProgressReporter;
}

/**
 * Gives one checked media input to the adapter: URLs pass through; local bytes are uploaded
 * through the adapter's `uploadFile` (with retries and progress) or handed over as bytes.
 */
export async function handOverMedia(
  media: PreparedMedia,
  field: string,
  options: HandOverOptions,
): Promise<AdapterMedia> {
  if (media.kind === 'url') return { kind: 'url', url: media.url };
  const { adapter, reporter } = options;
  if (!adapter.uploadFile)
    return { kind: 'bytes', data: media.data, fileName: media.fileName, facts: media.facts };
  const upload = adapter.uploadFile.bind(adapter);
  const totalBytes = media.facts.sizeBytes;
  reporter.emit({ type: 'uploading', provider: adapter.provider, field, loadedBytes: 0, totalBytes });
  const context: CallContext = {
    ...options.context,
    onUploadProgress: (loadedBytes) =>
      reporter.emit({ type: 'uploading', provider: adapter.provider, field, loadedBytes, totalBytes }),
  };
  const { url } = await withRetries(
    () =>
      upload({ data: media.data, fileName: media.fileName, contentType: media.facts.contentType }, context),
    options.retry,
    { signal: options.context.signal, provider: adapter.provider, deadline: options.deadline },
  );
  reporter.emit({
    type: 'uploading',
    provider: adapter.provider,
    field,
    loadedBytes: totalBytes,
    totalBytes,
  });
  return { kind: 'url', url, facts: media.facts };
}
