import { createRedisJobs, describeRedisUrl, type RedisJobQueue } from '@backdrop/jobs';
import type { ImageFileJob, ImageFileResult } from './cli-image-job.js';

/** The queue `backdrop batch --queue` fills and `backdrop worker` empties (BACKDROP_QUEUE_NAME, default `backdrop`). */
export function openImageQueue(
  url: string,
  options: { stallTimeoutSeconds?: number | undefined } = {},
  environment: NodeJS.ProcessEnv = process.env,
): RedisJobQueue<ImageFileJob, ImageFileResult> {
  return createRedisJobs<ImageFileJob, ImageFileResult>({
    url,
    name: environment.BACKDROP_QUEUE_NAME || 'backdrop',
    stallIntervalMs:
      options.stallTimeoutSeconds === undefined ? undefined : options.stallTimeoutSeconds * 1000,
  });
}

/** Fails fast, naming the server but never its password, when Redis does not answer. */
export async function ensureReachable(queue: RedisJobQueue<unknown, unknown>, url: string): Promise<void> {
  try {
    await queue.ready(10_000);
  } catch {
    await queue.close();
    throw new Error(`the queue at ${describeRedisUrl(url)} did not answer; is Redis running there?`);
  }
}
