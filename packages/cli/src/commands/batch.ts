import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackdropResult, JobHandle, ProgressEvent } from '@backdrop/core';
import { createInProcessJobs, isPaidJob } from '@backdrop/jobs/in-process';
import type { Command } from '../cli-arguments.js';
import { exists, listBatchInputs } from '../cli-batch-inputs.js';
import { batchExitCode, type Outcome, summary, totalCost } from '../cli-batch-outcome.js';
import { handleFilePath, readHandleFile, removeHandleFile, saveHandleFile } from '../cli-handle-file.js';
import { errorJson, KeptJobError } from '../cli-report.js';
import { runAndSave, runSession, type Session, saveOutputs } from '../cli-session.js';
import type { OutputTarget } from '../cli-target.js';
import { replaceRequest } from './replace-request.js';

/**
 * Every image in a folder, with at most `concurrency` provider jobs in flight. A file whose result is already in --out is
 * skipped, and one whose paid job was kept (`<base>.job.json`) is resumed, so an interrupted
 * batch goes on where it stopped without paying twice; a failure is recorded and the rest go on.
 * Results are written whole or not at all. After Ctrl-C the summary is still reported.
 */
export async function run(command: Extract<Command, { name: 'batch' }>): Promise<number> {
  const { queue } = command;
  if (queue !== undefined)
    return (await import('../cli-queued-batch.js')).runQueuedBatch({ ...command, queue });
  const outcome: Outcome = { done: [], failed: [], skipped: [], interrupted: [] };
  const session = { ...command, maxConcurrentJobs: command.concurrency };
  return runSession(session, async ({ backdrop, signal, progress }: Session) => {
    await mkdir(command.outputDirectory, { recursive: true });
    const { inputs, bases, toRun, alreadyDone } = await listBatchInputs(
      command.directory,
      command.outputDirectory,
      command.operation,
    );
    outcome.skipped.push(...alreadyDone);
    const show = () => {
      const count = outcome.done.length + outcome.failed.length + outcome.skipped.length;
      const filled = inputs.length ? Math.round((count / inputs.length) * 20) : 20;
      progress.status(
        `[${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${count}/${inputs.length}: ${outcome.done.length} done, ${outcome.failed.length} failed, ${outcome.skipped.length} skipped`,
      );
    };
    // The files in hand beyond the jobs in flight join once a first job has started, so that
    // they do not slow the first uploads down.
    let markStarted: () => void = () => undefined;
    const firstJobStarted = new Promise<void>((resolve) => {
      markStarted = resolve;
    });
    const onProgress = (event: ProgressEvent) => {
      if (event.type !== 'uploading') markStarted();
    };
    const runOne = async (name: string, target: OutputTarget): Promise<void> => {
      const kept = handleFilePath(target);
      if (await exists(kept)) {
        // A paid job from an earlier run: fetch its result rather than paying for a new one.
        const file = await readHandleFile(kept);
        const result = await backdrop.resumeJob(file.handle).wait({ signal, download: true });
        const outputs = await saveOutputs(result, target);
        await removeHandleFile(kept);
        outcome.done.push({ input: name, outputs, estimatedCostUsd: result.estimatedCostUsd, resumed: true });
        return;
      }
      const input = join(command.directory, name);
      // A paid job's handle is kept on disk the moment the provider takes it, so that a batch
      // killed while waiting (SIGKILL, a power cut) resumes it on the next run, not pays again.
      let keeping: Promise<string | undefined> | undefined;
      const onJobAccepted = (handle: JobHandle) => {
        if (isPaidJob(backdrop, handle)) keeping = saveHandleFile(handle, target);
      };
      const dropEarlyHandle = async () => {
        const path = await keeping;
        if (path !== undefined) await removeHandleFile(path);
      };
      const { result, paths } = await runAndSave(
        target,
        (): Promise<BackdropResult> =>
          command.operation === 'remove'
            ? backdrop.removeBackground({
                image: input,
                provider: command.provider,
                signal,
                download: true,
                onProgress,
                onJobAccepted,
              })
            : backdrop.replaceBackground({
                ...replaceRequest(input, command),
                provider: command.provider,
                signal,
                download: true,
                onProgress,
                onJobAccepted,
              }),
      ).catch(async (error: unknown) => {
        // Kept when the result can still be fetched (the error says where); else nothing is left to resume.
        if (!(error instanceof KeptJobError)) await dropEarlyHandle();
        throw error;
      });
      await dropEarlyHandle();
      outcome.done.push({ input: name, outputs: paths, estimatedCostUsd: result.estimatedCostUsd });
    };
    show();
    // @backdrop/jobs' in-process back end holds twice as many files as jobs in flight: while
    // `concurrency` jobs run (core's maxConcurrentJobs), the next files are read and uploaded and
    // finished ones downloaded, so a job starts as soon as one ends. Each outcome, with its
    // original error for the exit code, is recorded here, so no job fails inside the queue.
    const jobs = createInProcessJobs<string, void>({ retry: { attempts: 1 } });
    let entered = 0;
    const worker = jobs.startWorker(
      async ({ data: name }) => {
        if (signal.aborted) return;
        if (entered++ >= command.concurrency) await firstJobStarted;
        try {
          await runOne(name, { base: bases.get(name) ?? '' });
        } catch (error) {
          if (signal.aborted) outcome.interrupted.push(name);
          else outcome.failed.push({ input: name, error });
        }
        markStarted();
        show();
      },
      { concurrency: command.concurrency * 2 },
    );
    const ids = [];
    for (const name of toRun) ids.push(await jobs.enqueue(name));
    for (const id of ids) await jobs.waitFor(id);
    await worker.close();
    await jobs.close();
    const cost = totalCost(outcome);
    return {
      human: summary(outcome),
      json: {
        done: outcome.done,
        failed: outcome.failed.map(({ input, error }) => ({ input, ...errorJson(error) })),
        skipped: outcome.skipped,
        interrupted: outcome.interrupted,
        estimatedCostUsd: cost.usd,
        unpricedCount: cost.unpriced,
      },
      exitCode: batchExitCode(outcome),
    };
  });
}
