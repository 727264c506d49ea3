import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BackdropError, type BackdropErrorCode } from '@backdrop/core';
import type { JobFailure } from '@backdrop/jobs';
import type { Command } from './cli-arguments.js';
import { listBatchInputs } from './cli-batch-inputs.js';
import { batchExitCode, type Outcome, summary, totalCost } from './cli-batch-outcome.js';
import type { ImageFileJob } from './cli-image-job.js';
import { createProgressDisplay } from './cli-progress.js';
import { ensureReachable, openImageQueue } from './cli-queue.js';
import { errorJson, exitCodes } from './cli-report.js';

type QueuedBatchCommand = Extract<Command, { name: 'batch' }> & { queue: string };

/** One job per output: the same file from two runs (or two followers) is the same job. */
const jobIdFor = (outputBase: string) => createHash('sha256').update(outputBase).digest('hex').slice(0, 32);

const errorOf = (failure: JobFailure | undefined) =>
  new BackdropError({
    code: (failure?.code ?? 'provider_error') as BackdropErrorCode,
    message: failure?.message ?? 'the job failed',
    provider: failure?.provider,
    retryable: failure?.retryable,
  });

/**
 * `backdrop batch --queue redis://...`: enqueues the images not yet done for `backdrop worker`s
 * and follows them to the end. Workers write into --out (a folder they share), so a rerun skips
 * what is done there. Ctrl-C stops following; the jobs stay queued, and a rerun follows them again.
 */
export async function runQueuedBatch(command: QueuedBatchCommand): Promise<number> {
  const outcome: Outcome = { done: [], failed: [], skipped: [], interrupted: [] };
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  const progress = createProgressDisplay({ silent: command.json });
  const queue = openImageQueue(command.queue);
  try {
    await ensureReachable(queue, command.queue);
    await mkdir(command.outputDirectory, { recursive: true });
    const { inputs, bases, toRun, alreadyDone } = await listBatchInputs(
      command.directory,
      command.outputDirectory,
      command.operation,
    );
    outcome.skipped.push(...alreadyDone);
    const { prompt, reference, color, negativePrompt, seed, count } = command;
    const ids = new Map<string, string>();
    for (const name of toRun) {
      const base = resolve(bases.get(name) ?? '');
      const data: ImageFileJob = {
        input: resolve(command.directory, name),
        target: { base },
        operation: command.operation,
        replace: {
          prompt,
          reference: reference && !/^https?:\/\//i.test(reference) ? resolve(reference) : reference,
          color,
          negativePrompt,
          seed,
          count,
        },
        provider: command.provider,
      };
      const id = jobIdFor(base);
      const earlier = await queue.get(id);
      // A finished job whose output is not in --out (failed, cancelled, or its file deleted) runs again.
      if (earlier && earlier.state !== 'active' && earlier.state !== 'waiting' && earlier.state !== 'delayed')
        await queue.remove(id);
      await queue.enqueue(data, { id });
      ids.set(name, id);
    }
    const show = () => {
      const finished = outcome.done.length + outcome.failed.length + outcome.skipped.length;
      progress.status(
        `${finished}/${inputs.length} on ${command.queue.replace(/\/\/[^@/]*@/, '//')}: ${outcome.done.length} done, ${outcome.failed.length} failed, ${outcome.skipped.length} skipped`,
      );
    };
    show();
    for (const [name, id] of ids) {
      if (controller.signal.aborted) {
        outcome.interrupted.push(name);
        continue;
      }
      const record = await queue.waitFor(id, { signal: controller.signal }).catch(() => undefined);
      if (!record) outcome.interrupted.push(name);
      else if (record.state === 'completed' && record.result)
        outcome.done.push({
          input: name,
          outputs: record.result.outputs,
          estimatedCostUsd: record.result.estimatedCostUsd,
          resumed: record.result.resumed,
        });
      else outcome.failed.push({ input: name, error: errorOf(record.failure) });
      show();
    }
    progress.stop();
    const cost = totalCost(outcome);
    const json = {
      done: outcome.done,
      failed: outcome.failed.map(({ input, error }) => ({ input, ...errorJson(error) })),
      skipped: outcome.skipped,
      interrupted: outcome.interrupted,
      estimatedCostUsd: cost.usd,
      unpricedCount: cost.unpriced,
    };
    const note = outcome.interrupted.length
      ? '\nStill queued: run the same command again to follow them.'
      : '';
    process.stdout.write(command.json ? `${JSON.stringify(json)}\n` : `${summary(outcome)}${note}\n`);
    return batchExitCode(outcome);
  } catch (error) {
    progress.stop();
    const message = (error as Error).message;
    if (command.json) process.stdout.write(`${JSON.stringify(errorJson(error))}\n`);
    else process.stderr.write(`${message}\n`);
    return exitCodes.failed;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await queue.close();
  }
}
