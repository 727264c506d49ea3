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
/** N·L/C. Whole rounds of jobs make ceil(N/C)·L the floor: 1.04 of it here. */
const idealMs = (imageCount * jobLatencyMs) / concurrency;

/** What an emulator saw of one run (ms since the epoch). */
interface Timeline {
  firstRequestAt: number;
  jobs: Array<{ acceptedAt: number; completedAt: number }>;
}

interface BatchRun {
  wallMs: number;
  /** From spawning the command to its first request: Node's start-up and module loading. */
  startupMs: number;
  /** From the first request to the command's exit: the batch itself. */
  batchMs: number;
  /** The emulator's own job latency, submit to completion (timers run late on a loaded machine). */
  jobLatencyMs: number;
  /** From a job's end to the start of the next job, which waited for its slot: added per round. */
  restartGapMs: number;
  /** From the last job's end to the command's exit: the last result's download and write. */
  tailMs: number;
}

const median = (values: number[]) => [...values].sort((left, right) => left - right)[values.length >> 1] ?? 0;

/** Runs `backdrop batch` and resolves with when it started and ended (ms since the epoch). */
function runBatch(
  input: string,
  output: string,
  env: Record<string, string>,
): Promise<{ startedAt: number; endedAt: number }> {
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
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
      const endedAt = Date.now();
      const done = (JSON.parse(stdout || '{}') as { done?: unknown[] }).done?.length ?? 0;
      if (code !== 0 || done !== imageCount)
        reject(new Error(`batch exited ${code}, ${done} done: ${stderr}`));
      else resolve({ startedAt, endedAt });
    });
  });
}

async function measure(
  input: string,
  start: () => Promise<{ env: Record<string, string>; timeline: () => Timeline; close: () => Promise<void> }>,
): Promise<BatchRun[]> {
  const runs: BatchRun[] = [];
  for (let run = 0; run < runsPerProvider; run++) {
    const emulator = await start();
    const output = await mkdtemp(join(tmpdir(), 'backdrop-batch-out-'));
    try {
      const { startedAt, endedAt } = await runBatch(input, output, emulator.env);
      const { firstRequestAt, jobs } = emulator.timeline();
      const accepted = jobs.map((job) => job.acceptedAt).sort((left, right) => left - right);
      const completed = jobs.map((job) => job.completedAt).sort((left, right) => left - right);
      runs.push({
        wallMs: endedAt - startedAt,
        startupMs: firstRequestAt - startedAt,
        batchMs: endedAt - firstRequestAt,
        jobLatencyMs: median(jobs.map((job) => job.completedAt - job.acceptedAt)),
        restartGapMs: median(
          accepted.slice(concurrency).map((startAt, index) => startAt - (completed[index] ?? startAt)),
        ),
        tailMs: endedAt - (completed.at(-1) ?? endedAt),
      });
    } finally {
      await emulator.close();
      await rm(output, { recursive: true, force: true });
    }
  }
  return runs;
}

const ratio = (ms: number) => Math.round((ms / idealMs) * 100) / 100;
const firstOf = (times: number[]) => Math.min(...times);

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
      timeline: () => ({
        firstRequestAt: firstOf(emulator.requests.map((request) => request.receivedAt)),
        jobs: [...emulator.jobs.values()].map((job) => ({
          acceptedAt: job.createdAt,
          completedAt: job.completedAt ?? 0,
        })),
      }),
      close: () => emulator.close(),
    };
  });
  // inference.sh: received, queued, dispatched, preparing 10 ms each, 150 ms running, 10 ms uploading.
  const inference = await measure(input, async () => {
    const emulator = await startInferenceShEmulator({ stepMs: 10, processingMs: 150 });
    return {
      env: { INFERENCE_API_KEY: 'inf_test_key', BACKDROP_INFERENCE_BASE_URL: emulator.origin, ...loopback },
      timeline: () => ({
        firstRequestAt: firstOf(emulator.requests.map((request) => request.receivedAt)),
        jobs: [...emulator.tasks.values()].map((task) => ({
          acceptedAt: Date.parse(task.created_at),
          completedAt: Date.parse(task.events.at(-1)?.event_time ?? ''),
        })),
      }),
      close: () => emulator.close(),
    };
  });
  await rm(input, { recursive: true, force: true });

  const startupOfHelp = Array.from({ length: 5 }, () => {
    const started = performance.now();
    spawnSync(process.execPath, [cli, '--help']);
    return performance.now() - started;
  });
  const of = (runs: BatchRun[], key: keyof BatchRun) => median(runs.map((run) => run[key]));
  const rows = Object.entries({ fal, inferencesh: inference }).map(([provider, runs]) => ({
    provider,
    'wall ÷ (N·L/C)': ratio(of(runs, 'wallMs')),
    'batch ÷ (N·L/C)': ratio(of(runs, 'batchMs')),
    'wall ms': Math.round(of(runs, 'wallMs')),
    'start-up ms': Math.round(of(runs, 'startupMs')),
    'job latency ms': Math.round(of(runs, 'jobLatencyMs')),
    'job end → next start ms': Math.round(of(runs, 'restartGapMs')),
    'last end → exit ms': Math.round(of(runs, 'tailMs')),
    'wall ratio of each run': runs.map((run) => ratio(run.wallMs)).join(' '),
  }));
  const loadAfter = loadavg().map((load) => load.toFixed(2));
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after`;
  console.log(
    `backdrop batch: N=${imageCount} images, C=${concurrency}, L=${jobLatencyMs} ms, N·L/C=${idealMs} ms (whole rounds: 1.04 at best). Medians of ${runsPerProvider} runs. "batch" runs from the first request to the exit; "start-up" before it (backdrop --help: ${Math.round(median(startupOfHelp))} ms). On ${machine}.`,
  );
  console.table(rows);
  await mkdir('bench-results', { recursive: true });
  await writeFile('bench-results/cli-batch.json', `${JSON.stringify({ machine, idealMs, rows }, null, 2)}\n`);
});
