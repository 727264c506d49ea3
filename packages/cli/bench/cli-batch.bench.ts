import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeSampleImage, startFalEmulator, startInferenceShEmulator } from '@backdrop/testkit';
import { it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/backdrop.js', import.meta.url));

const imageCount = 200;
const concurrency = 16;
/** Every provider job takes this long from submit to completion. */
const jobLatencyMs = 200;
const runsPerProvider = 3;
/** The best a batch can do: N·L/C (ceil(N/C)·L is the floor of whole rounds, 1.04 here). */
const idealMs = (imageCount * jobLatencyMs) / concurrency;

interface BatchRun {
  wallMs: number;
  /** From the first job the provider accepted to the command's exit: the batch without Node's start-up. */
  jobsSpanMs: number;
  /** The emulator's own job latency, submit to completion (timers run late on a loaded machine). */
  jobLatencyMs: number;
  /** From a job's end to the start of the one that took its slot: what the batch adds per round. */
  restartGapMs: number;
  /** From the first job's start to the start of the C-th: how fast the batch fills its slots. */
  rampMs: number;
  /** From the last job's end to the command's exit: the last result's download and write. */
  tailMs: number;
}

const median = (values: number[]) => [...values].sort((left, right) => left - right)[values.length >> 1] ?? 0;

function runBatch(input: string, output: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [
        cli,
        'batch',
        input,
        '--op',
        'remove',
        '--out',
        output,
        '--concurrency',
        String(concurrency),
        '--json',
      ],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      const done = (JSON.parse(stdout || '{}') as { done?: unknown[] }).done?.length ?? 0;
      if (code !== 0 || done !== imageCount)
        reject(new Error(`batch exited ${code}, ${done} done: ${stderr}`));
      else resolve(wallMs);
    });
  });
}

/** Runs the batch against one emulator; `jobTimes` reads when it accepted and completed each job. */
async function measure(
  input: string,
  start: () => Promise<{
    env: Record<string, string>;
    jobTimes: () => Array<{ acceptedAt: number; completedAt: number }>;
    close: () => Promise<void>;
  }>,
): Promise<BatchRun[]> {
  const runs: BatchRun[] = [];
  for (let run = 0; run < runsPerProvider; run++) {
    const emulator = await start();
    const output = await mkdtemp(join(tmpdir(), 'backdrop-batch-out-'));
    try {
      const began = Date.now();
      const wallMs = await runBatch(input, output, emulator.env);
      const times = emulator.jobTimes();
      const accepted = times.map((time) => time.acceptedAt).sort((left, right) => left - right);
      const completed = times.map((time) => time.completedAt).sort((left, right) => left - right);
      runs.push({
        wallMs,
        jobsSpanMs: began + wallMs - (accepted[0] ?? 0),
        jobLatencyMs: median(times.map((time) => time.completedAt - time.acceptedAt)),
        restartGapMs: median(
          accepted.slice(concurrency).map((start, index) => start - (completed[index] ?? start)),
        ),
        rampMs: (accepted[concurrency - 1] ?? 0) - (accepted[0] ?? 0),
        tailMs: began + wallMs - (completed.at(-1) ?? 0),
      });
    } finally {
      await emulator.close();
      await rm(output, { recursive: true, force: true });
    }
  }
  return runs;
}

const ratio = (ms: number) => Math.round((ms / idealMs) * 100) / 100;

it(`backdrop batch: ${imageCount} images, concurrency ${concurrency}, ${jobLatencyMs} ms jobs`, async () => {
  const input = await mkdtemp(join(tmpdir(), 'backdrop-batch-in-'));
  const image = await makeSampleImage('png', 64, 64);
  await Promise.all(
    Array.from({ length: imageCount }, (_, index) =>
      writeFile(join(input, `image-${String(index).padStart(3, '0')}.png`), image),
    ),
  );
  const loopback = { BACKDROP_ALLOW_PRIVATE_ADDRESSES: '127.0.0.1' };
  const loadBefore = loadavg().map((load) => load.toFixed(2));

  // fal: 50 ms in the queue, then 150 ms running; through its server proxy, as a browser app would.
  const fal = await measure(input, async () => {
    const emulator = await startFalEmulator({ proxyKey: 'test-fal-key', queueMs: 50, processingMs: 150 });
    return {
      env: { BACKDROP_FAL_PROXY_URL: emulator.proxyUrl, ...loopback },
      jobTimes: () =>
        [...emulator.jobs.values()].map((job) => ({
          acceptedAt: job.createdAt,
          completedAt: job.completedAt ?? 0,
        })),
      close: () => emulator.close(),
    };
  });
  // inference.sh: received, queued, dispatched, preparing 10 ms each, 150 ms running, 10 ms uploading.
  const inference = await measure(input, async () => {
    const emulator = await startInferenceShEmulator({ stepMs: 10, processingMs: 150 });
    return {
      env: { INFERENCE_API_KEY: 'inf_test_key', BACKDROP_INFERENCE_BASE_URL: emulator.origin, ...loopback },
      jobTimes: () =>
        [...emulator.tasks.values()].map((task) => ({
          acceptedAt: Date.parse(task.created_at),
          completedAt: Date.parse(task.events.at(-1)?.event_time ?? ''),
        })),
      close: () => emulator.close(),
    };
  });
  await rm(input, { recursive: true, force: true });

  const startup = Array.from({ length: 5 }, () => {
    const started = performance.now();
    spawnSync(process.execPath, [cli, '--help']);
    return performance.now() - started;
  });
  const rows = Object.entries({ fal, inferencesh: inference }).map(([provider, runs]) => ({
    provider,
    'wall ÷ (N·L/C)': ratio(median(runs.map((run) => run.wallMs))),
    'jobs span ÷ (N·L/C)': ratio(median(runs.map((run) => run.jobsSpanMs))),
    'median wall ms': Math.round(median(runs.map((run) => run.wallMs))),
    'median jobs span ms': Math.round(median(runs.map((run) => run.jobsSpanMs))),
    'median job latency ms': Math.round(median(runs.map((run) => run.jobLatencyMs))),
    'median end → next start ms': Math.round(median(runs.map((run) => run.restartGapMs))),
    'first C started within ms': Math.round(median(runs.map((run) => run.rampMs))),
    'last end → exit ms': Math.round(median(runs.map((run) => run.tailMs))),
    runs: runs.map((run) => ratio(run.wallMs)).join(' '),
  }));
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load ${loadBefore.join(' ')} before, ${loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')} after`;
  console.log(
    `backdrop batch, N=${imageCount} images, C=${concurrency}, L=${jobLatencyMs} ms (N·L/C = ${idealMs} ms; whole rounds make 1.04 the floor), median of ${runsPerProvider} runs; CLI start-up ${Math.round(median(startup))} ms; on ${machine}`,
  );
  console.table(rows);
  await mkdir('bench-results', { recursive: true });
  await writeFile('bench-results/cli-batch.json', `${JSON.stringify({ machine, idealMs, rows }, null, 2)}\n`);
});
