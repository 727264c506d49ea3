import type { ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisJobs } from '@backdrop/jobs';
import { type FalEmulator, fixturePath, startFalEmulator } from '@backdrop/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  destroyQueue,
  eventually,
  jobIdOf,
  sharedRedisUrl,
  startOwnRedis,
  testQueueName,
} from './support/queue-helpers.js';
import { type CliRun, runCli, startCli } from './support/run-cli.js';

let folder: string;
let fal: FalEmulator | undefined;
let queueName: string;
let redisUrl: string;
const children: ChildProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await destroyQueue(redisUrl, queueName).catch(() => undefined);
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await fal?.close();
  fal = undefined;
});

/** A folder of `count` copies of the mug, fal emulated, and a queue of the test's own. */
async function setUp(options: { images: number; queueMs: number; redis?: string }) {
  folder = await mkdtemp(join(tmpdir(), 'backdrop-cli-queue-'));
  await mkdir(join(folder, 'in'));
  for (let index = 1; index <= options.images; index++)
    await copyFile(fixturePath('ruby_mug.jpg'), join(folder, 'in', `mug-${index}.jpg`));
  fal = await startFalEmulator({ proxyKey: 'test-fal-key', queueMs: options.queueMs });
  queueName = testQueueName();
  redisUrl = options.redis ?? sharedRedisUrl;
  const env = {
    FAL_KEY: 'test-fal-key',
    BACKDROP_FAL_PROXY_URL: fal.proxyUrl,
    BACKDROP_ALLOW_PRIVATE_ADDRESSES: '127.0.0.1',
    BACKDROP_QUEUE_NAME: queueName,
  };
  const batch = () =>
    startCli(['batch', 'in', '--op', 'remove', '--out', 'out', '--queue', redisUrl, '--json'], {
      cwd: folder,
      env,
    });
  const worker = (extra: string[] = []) => {
    const started = startCli(['worker', '--queue', redisUrl, '--provider', 'fal', '--json', ...extra], {
      cwd: folder,
      env,
    });
    children.push(started.child);
    return started;
  };
  return { env, batch, worker };
}

/** Provider jobs fal was asked to start. */
const falSubmits = () =>
  fal?.requests.filter((request) => request.host === 'queue.fal.run' && request.method === 'POST').length ??
  0;

const workerEvents = (run: CliRun) =>
  run.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { event: string });

/** Whether the job of an output has its provider job saved in the queue. */
async function handleSaved(base: string): Promise<boolean> {
  const queue = createRedisJobs({ url: redisUrl, name: queueName });
  try {
    return (await queue.get(jobIdOf(join(folder, base))))?.providerHandle !== undefined;
  } finally {
    await queue.close();
  }
}

async function outputsIn(out: string): Promise<string[]> {
  return (await readdir(join(folder, out))).sort();
}

describe('backdrop batch --queue and backdrop worker', () => {
  it('enqueues, workers process, results land in --out, and a rerun skips them', async () => {
    const { batch, worker } = await setUp({ images: 3, queueMs: 20 });
    worker(['--concurrency', '2']);
    worker(['--concurrency', '2']);
    const run = await batch().done;
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.done.map((entry: { input: string }) => entry.input)).toEqual([
      'mug-1.jpg',
      'mug-2.jpg',
      'mug-3.jpg',
    ]);
    expect(await outputsIn('out')).toEqual(['mug-1.remove.png', 'mug-2.remove.png', 'mug-3.remove.png']);
    expect(falSubmits()).toBe(3);
    const rerun = await batch().done;
    expect(JSON.parse(rerun.stdout)).toMatchObject({
      done: [],
      skipped: ['mug-1.jpg', 'mug-2.jpg', 'mug-3.jpg'],
    });
    expect(falSubmits()).toBe(3);
  });

  it('a worker killed mid-job: another takes it over after the stall timeout and resumes the provider job', async () => {
    const { batch, worker } = await setUp({ images: 1, queueMs: 4_000 });
    const first = worker(['--stall-timeout', '3']);
    const following = batch();
    await eventually(() => handleSaved('out/mug-1.remove'), 'the provider job is saved');
    first.child.kill('SIGKILL');
    await first.done;
    worker(['--stall-timeout', '3']);
    const run = await following.done;
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).done).toEqual([
      expect.objectContaining({
        input: 'mug-1.jpg',
        resumed: true,
        outputs: [expect.stringMatching(/mug-1\.remove\.png$/)],
      }),
    ]);
    // One provider job, paid once; one file, no leftovers.
    expect(falSubmits()).toBe(1);
    expect(await outputsIn('out')).toEqual(['mug-1.remove.png']);
  });

  it('SIGTERM: a worker finishes the job in hand, takes no other, and exits', async () => {
    const { batch, worker } = await setUp({ images: 2, queueMs: 3_000 });
    const first = worker(['--concurrency', '1']);
    const following = batch();
    await eventually(
      async () => (await handleSaved('out/mug-1.remove')) || (await handleSaved('out/mug-2.remove')),
      'a provider job is saved',
    );
    first.child.kill('SIGTERM');
    const stopped = await first.done;
    expect(stopped.code).toBe(0);
    const events = workerEvents(stopped).map((event) => event.event);
    expect(events.filter((event) => event === 'done')).toHaveLength(1);
    expect(events.slice(-1)).toEqual(['stopped']);
    // The other image waits for another worker.
    worker();
    const run = await following.done;
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).done).toHaveLength(2);
    expect(falSubmits()).toBe(2);
  });

  it('Redis restarted mid-run: workers reconnect, the run completes, nothing finished is redone', async () => {
    const redis = await startOwnRedis();
    cleanups.push(() => redis.kill());
    const { batch, worker } = await setUp({ images: 3, queueMs: 1_000, redis: redis.url });
    worker(['--concurrency', '1']);
    const following = batch();
    await eventually(
      async () => (await readdir(join(folder, 'out')).catch(() => [])).length >= 1,
      'one image is done',
    );
    await redis.kill();
    await new Promise((done) => setTimeout(done, 1_000));
    await redis.start();
    const run = await following.done;
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).done).toHaveLength(3);
    expect(await outputsIn('out')).toEqual(['mug-1.remove.png', 'mug-2.remove.png', 'mug-3.remove.png']);
    expect(falSubmits()).toBe(3);
  });

  it('refuses a queue that is not a redis URL, and says when Redis does not answer', async () => {
    folder = await mkdtemp(join(tmpdir(), 'backdrop-cli-queue-'));
    queueName = testQueueName();
    redisUrl = sharedRedisUrl;
    const usage = await runCli(['worker', '--queue', 'http://example.com'], { cwd: folder });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--queue must be a redis:// or rediss:// URL');
    const unreachable = await runCli(['worker', '--queue', 'redis://:secret-password@127.0.0.1:1'], {
      cwd: folder,
    });
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toContain('redis://127.0.0.1:1 did not answer');
    expect(unreachable.stderr).not.toContain('secret-password');
  });
});
