import { access, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Backdrop } from '@backdrop/core';
import { type JobProcessor, runProviderJob } from '@backdrop/jobs';
import type { ProviderChoice, ReplaceFlags } from './cli-arguments.js';
import { handleFilePath, readHandleFile, removeHandleFile } from './cli-handle-file.js';
import { KeptJobError } from './cli-report.js';
import { saveOutputs } from './cli-session.js';
import type { OutputTarget } from './cli-target.js';
import { replaceRequest } from './commands/replace-request.js';

/**
 * One image of a batch as a queued job: absolute paths on a folder every worker shares, and
 * the request's flags. No key: each worker reads its own from its environment.
 */
export interface ImageFileJob {
  input: string;
  target: OutputTarget;
  operation: 'remove' | 'replace';
  replace: ReplaceFlags;
  provider: ProviderChoice | undefined;
}

export interface ImageFileResult {
  outputs: string[];
  estimatedCostUsd: number | undefined;
  /** A saved provider job was fetched instead of starting one. */
  resumed: boolean;
  /** Its result was already on disk: nothing was run or written. */
  alreadyDone: boolean;
}

/** The results already written for a target: `<base>.<ext>`, or `<base>-1.<ext>`, ... */
export async function writtenOutputs(target: OutputTarget): Promise<string[]> {
  const folder = dirname(target.base);
  const base = basename(target.base);
  const files = await readdir(folder).catch(() => [] as string[]);
  return files
    .filter((file) => file.startsWith(base) && /^(-\d+)?\.[a-z0-9]+$/i.test(file.slice(base.length)))
    .filter((file) => !file.endsWith('.partial') && !file.endsWith('.job.json'))
    .map((file) => join(folder, file))
    .sort();
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Runs one image job for a worker: skips it when its result is on disk (a job taken over after
 * its first worker wrote it is not written twice), resumes a provider job saved in the queue or
 * in `<output>.job.json`, else starts one; writes the result whole, then renames it into place.
 */
export function createImageJobProcessor(backdrop: Backdrop): JobProcessor<ImageFileJob, ImageFileResult> {
  return async (context) => {
    const { data } = context;
    const written = await writtenOutputs(data.target);
    if (written.length > 0)
      return { outputs: written, estimatedCostUsd: undefined, resumed: false, alreadyDone: true };
    const keptFile = handleFilePath(data.target);
    const savedHandle =
      context.savedHandle ?? ((await exists(keptFile)) ? (await readHandleFile(keptFile)).handle : undefined);
    const request = { provider: data.provider, signal: context.signal };
    const result = await runProviderJob({
      backdrop,
      context: { ...context, savedHandle },
      start: () =>
        data.operation === 'remove'
          ? backdrop.startRemoveBackground({ image: data.input, ...request })
          : backdrop.startReplaceBackground({ ...replaceRequest(data.input, data.replace), ...request }),
    });
    const outputs = await saveOutputs(result, data.target).catch((error) => {
      // The paid job's handle stays with the queued job, so the next attempt fetches it again.
      throw error instanceof KeptJobError ? error.error.with({ handle: result.handle }) : error;
    });
    await removeHandleFile(keptFile);
    return {
      outputs,
      estimatedCostUsd: result.estimatedCostUsd,
      resumed: savedHandle !== undefined,
      alreadyDone: false,
    };
  };
}
