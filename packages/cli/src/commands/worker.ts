import { createBackdrop } from '@backdrop/core/node';
import { describeRedisUrl, type JobProcessor } from '@backdrop/jobs';
import type { Command } from '../cli-arguments.js';
import { createImageJobProcessor, type ImageFileJob, type ImageFileResult } from '../cli-image-job.js';
import { createAdapters, privateAddressesAllowed } from '../cli-providers.js';
import { ensureReachable, openImageQueue } from '../cli-queue.js';
import { describeError, errorJson, exitCodes } from '../cli-report.js';

/**
 * `backdrop worker --queue redis://...`: runs the images `backdrop batch --queue` enqueued, with
 * this machine's provider keys, until SIGTERM or Ctrl-C. The first signal stops taking jobs and
 * finishes the ones in hand; a second leaves at once, and another worker takes those jobs over
 * after the stall timeout, resuming their provider jobs rather than paying for new ones.
 */
export async function run(command: Extract<Command, { name: 'worker' }>): Promise<number> {
  const say = (line: string, json: object) =>
    command.json ? process.stdout.write(`${JSON.stringify(json)}\n`) : process.stderr.write(`${line}\n`);
  let backdrop: ReturnType<typeof createBackdrop>;
  try {
    backdrop = createBackdrop({
      providers: await createAdapters(command.provider),
      allowPrivateAddresses: privateAddressesAllowed(),
      fallback: command.fallback,
    });
  } catch (error) {
    say(describeError(error), errorJson(error));
    return exitCodes.usage;
  }
  const queue = openImageQueue(command.queue, { stallTimeoutSeconds: command.stallTimeoutSeconds });
  try {
    await ensureReachable(queue, command.queue);
  } catch (error) {
    say((error as Error).message, { error: { code: 'network', message: (error as Error).message } });
    return exitCodes.failed;
  }
  const processImage = createImageJobProcessor(backdrop);
  const processor: JobProcessor<ImageFileJob, ImageFileResult> = async (context) => {
    try {
      const result = await processImage(context);
      const how = result.alreadyDone ? 'already done' : result.resumed ? 'resumed' : 'done';
      say(`${how}: ${context.data.input} -> ${result.outputs.join(', ')}`, {
        event: how,
        id: context.id,
        ...result,
      });
      return result;
    } catch (error) {
      say(`failed (attempt ${context.attempt}): ${context.data.input}: ${describeError(error)}`, {
        event: 'failed',
        id: context.id,
        attempt: context.attempt,
        ...errorJson(error),
      });
      throw error;
    }
  };
  const worker = queue.startWorker(processor, { concurrency: command.concurrency });
  say(
    `Working on ${describeRedisUrl(command.queue)}, ${command.concurrency} at a time. SIGTERM or Ctrl-C finishes the jobs in hand, then stops.`,
    { event: 'started', concurrency: command.concurrency },
  );
  const forced = await new Promise<boolean>((resolve) => {
    let signals = 0;
    const stop = () => {
      signals++;
      if (signals === 1) {
        say('Stopping: finishing the jobs in hand.', { event: 'stopping' });
        worker.close().then(() => resolve(false));
      } else {
        // Their locks lapse and another worker resumes their saved provider jobs.
        say('Leaving now: the jobs in hand go back to the queue.', { event: 'leaving' });
        worker.close({ force: true }).finally(() => resolve(true));
      }
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await queue.close().catch(() => undefined);
  say('Stopped.', { event: 'stopped' });
  return forced ? exitCodes.interrupted : exitCodes.done;
}
