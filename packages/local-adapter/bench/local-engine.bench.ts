import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';

const runner = fileURLToPath(new URL('./local-engine-run.mjs', import.meta.url));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** One measurement that runs to its end in its own process, reporting one JSON line. */
function measure(...args: string[]): Record<string, number> {
  const run = spawnSync(process.execPath, [runner, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}');
}

function nextMessage(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${child.spawnargs.join(' ')} exited with ${code}`)));
  });
}

/**
 * Backdrop's engine and imgly's, each in its own process (so each peak RSS is its own),
 * taking turns run by run on the same photo: on a machine shared with other work both see the
 * same load, and the ratio of their medians holds even when the absolute times do not.
 * The first run of each loads its model and is left out.
 */
async function sideBySide(width: number, height: number, runs = 6) {
  const engines = ['image', 'imgly'].map((kind) =>
    fork(runner, [kind, String(width), String(height)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }),
  );
  await Promise.all(engines.map(nextMessage));
  const times: number[][] = [[], []];
  const peaks = [0, 0];
  for (let run = 0; run < runs; run++) {
    for (const [index, engine] of engines.entries()) {
      const answer = nextMessage(engine);
      engine.send('run');
      const { ms, peakRssMb } = (await answer) as { ms: number; peakRssMb: number };
      if (run > 0) times[index]?.push(ms);
      peaks[index] = peakRssMb;
    }
  }
  for (const engine of engines) engine.send('exit');
  const [backdrop = 0, imgly = 0] = times.map(median);
  return {
    run: `remove ${width}x${height} (warm median of ${runs - 1}, alternating)`,
    backdropMs: Math.round(backdrop),
    imglyMs: Math.round(imgly),
    imglyOverBackdrop: Number((imgly / backdrop).toFixed(2)),
    backdropPeakRssMb: peaks[0],
    imglyPeakRssMb: peaks[1],
  };
}

const machine = () =>
  `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadavg()[0]?.toFixed(1)} at start`;

it('local engine against @imgly/background-removal-node (medium), same photos, same run', async () => {
  const header = machine();
  const rows = [await sideBySide(1024, 1024), await sideBySide(4000, 3000)];
  console.log(
    `local engine vs imgly on ${header}; targets: 1024x1024 <= 1.0 s and imgly/backdrop >= 3, RSS <= imgly's`,
  );
  console.table(rows);
  await mkdir('bench-results', { recursive: true });
  await writeFile(
    'bench-results/local-engine.json',
    `${JSON.stringify({ machine: header, rows }, null, 2)}\n`,
  );
});

it('local video: the juggling clip (1280x720) through the video path against frame-by-frame image removal', async () => {
  const header = machine();
  const frames = measure('frames', '12');
  const video = measure('video');
  const row = {
    imagePathSecondsPerFrame: frames.secondsPerFrame,
    videoSecondsPerFrame: video.secondsPerFrame,
    ratio: Number(((frames.secondsPerFrame ?? 0) / (video.secondsPerFrame ?? 1)).toFixed(1)),
    videoFramesPerSecond: video.framesPerSecond,
    videoFrames: video.frames,
    imagePathPeakRssMb: frames.peakRssMb,
    videoPeakRssMb: video.peakRssMb,
  };
  console.log(`local video on ${header}; targets: ratio >= 10, >= 5 fps`);
  console.table([row]);
  await mkdir('bench-results', { recursive: true });
  await writeFile('bench-results/local-video.json', `${JSON.stringify({ machine: header, row }, null, 2)}\n`);
});
