import type { JobHandle } from '../spec/job.js';
import type { BackdropWarning } from '../spec/warning.js';
import type { BackdropOutput } from './backdrop-output.js';

/** What every operation returns. */
export interface BackdropResult {
  outputs: readonly BackdropOutput[];
  /** The seed the provider used, when it reports one. */
  seed: number | undefined;
  provider: string;
  model: string;
  requestId: string | undefined;
  /** The job, as plain JSON: `resumeJob(handle)` fetches its outputs again without a new job. */
  handle: JobHandle;
  warnings: readonly BackdropWarning[];
  /** From the price table; undefined when the price is not documented. */
  estimatedCostUsd: number | undefined;
}

export type ImageResult = BackdropResult;
export type VideoResult = BackdropResult;
