import type { DownloadOptions } from '../download/safe-download.js';
import { estimateCostUsd, findPrice } from '../pricing/price-table.js';
import { type BackdropOutput, createOutput } from '../results/backdrop-output.js';
import type { BackdropResult } from '../results/results.js';
import type { Price } from '../spec/capabilities.js';
import type { AdapterOutput, JobHandle } from '../spec/job.js';
import type { BackdropWarning } from '../spec/warning.js';
import { attachJob } from './attach-job.js';
import type { ProgressReporter } from './progress-reporter.js';
import type { RetryOptions } from './retry.js';

export interface BuildResultOptions {
  handle: JobHandle;
  output: AdapterOutput;
  variantPrice: Price | undefined;
  downloadOptions: DownloadOptions;
  /** The download step's retry settings. */
  retry: RetryOptions;
  reporter: ProgressReporter;
  /** Warnings from the job's start (what the provider could not honour exactly). */
  startWarnings?: readonly BackdropWarning[] | undefined;
}

export function buildResult(options: BuildResultOptions): BackdropResult {
  const { handle, output, reporter } = options;
  const outputs: BackdropOutput[] = output.files.map((file, index) =>
    createOutput(
      file,
      () => ({
        ...options.downloadOptions,
        provider: handle.provider,
        onProgress: (loadedBytes, totalBytes) =>
          reporter.emit({ type: 'downloading', provider: handle.provider, index, loadedBytes, totalBytes }),
      }),
      options.retry,
      (error) => attachJob(error, handle, output.requestId),
    ),
  );
  const durations = output.files.map((file) => file.durationSeconds);
  const seconds = durations.every((value) => value !== undefined)
    ? durations.reduce<number>((sum, value) => sum + (value ?? 0), 0)
    : undefined;
  const price = findPrice(handle.provider, handle.model, options.variantPrice);
  return {
    outputs,
    seed: output.seed,
    provider: handle.provider,
    model: handle.model,
    requestId: output.requestId ?? handle.id,
    handle,
    warnings: [...(options.startWarnings ?? []), ...(output.warnings ?? [])],
    estimatedCostUsd: estimateCostUsd(price, { images: output.files.length, seconds }),
  };
}
