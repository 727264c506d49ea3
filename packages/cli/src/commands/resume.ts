import { isBackdropError } from '@backdrop/core';
import type { Command, ProviderChoice } from '../cli-arguments.js';
import { readHandleFile, removeHandleFile } from '../cli-handle-file.js';
import { KeptJobError } from '../cli-report.js';
import { describeResult, runSession, saveOutputs } from '../cli-session.js';

/**
 * `backdrop resume <handle-file>`: fetches a paid job's result from its saved handle and writes
 * it where the first run meant to, with no new job. The handle file goes once the result is written.
 */
export async function run(command: Extract<Command, { name: 'resume' }>): Promise<number> {
  const file = await readHandleFile(command.handleFile);
  return runSession(
    { provider: file.handle.provider as ProviderChoice, json: command.json },
    async ({ backdrop, signal, progress }) => {
      const result = await backdrop
        .resumeJob(file.handle)
        .wait({ signal, onProgress: progress.onProgress, download: true })
        .catch((error) => {
          // Still not fetchable: the handle file stays, for another try.
          if (isBackdropError(error) && error.handle && error.retryable)
            throw new KeptJobError(error, command.handleFile, 'downloaded');
          throw error;
        });
      const paths = await saveOutputs(result, file.target);
      await removeHandleFile(command.handleFile);
      return describeResult(result, paths);
    },
  );
}
