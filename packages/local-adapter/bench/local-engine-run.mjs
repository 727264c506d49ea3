// One measurement in a process of its own, so that its peak memory is its own:
//   node local-engine-run.mjs image <width> <height>    Backdrop's local engine: one run per IPC "run" message
//   node local-engine-run.mjs imgly <width> <height>    @imgly/background-removal-node (medium), the same
//   node local-engine-run.mjs frames <count>            the juggling clip's frames removed one by one as images
//   node local-engine-run.mjs video [frames]            the juggling clip through the video path, green background
// BACKDROP_LOCAL_DIST points at another build of this package (to measure a "before").
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createBackdrop } from '@backdrop/core';
import sharp from 'sharp';

const [kind, ...rest] = process.argv.slice(2);
const distribution = process.env.BACKDROP_LOCAL_DIST
  ? pathToFileURL(join(process.env.BACKDROP_LOCAL_DIST, 'index.js')).href
  : new URL('../dist/index.js', import.meta.url).href;
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const fixture = (name) => new URL(`../../testkit/fixtures/${name}`, import.meta.url);
const clip = fixture('05_default_juggle.mp4');
const report = (figures) => console.log(JSON.stringify({ ...figures, peakRssMb: peakRssMb() }));

async function localBackdrop() {
  const { createLocal } = await import(distribution);
  return createBackdrop({ providers: [createLocal()] });
}

/** The truck photo stretched to the size asked, as a JPEG: the same input for both engines. */
function photoOf(width, height) {
  return sharp(readFileSync(fixture('truck.jpg')))
    .resize(Number(width), Number(height), { fit: 'fill' })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/**
 * Runs once per "run" message from the parent, answering with the time it took, so that the
 * parent can alternate two engines run by run: on a shared machine both see the same load.
 */
function serveRuns(removeOnce) {
  process.on('message', async (message) => {
    if (message === 'exit') return process.disconnect();
    const started = performance.now();
    await removeOnce();
    process.send({ ms: performance.now() - started, peakRssMb: peakRssMb() });
  });
  process.send('ready');
}

/** The clip's first `count` frames, each as a PNG. */
function framesOf(count) {
  const folder = mkdtempSync(join(tmpdir(), 'backdrop-bench-frames-'));
  spawnSync('ffmpeg', [
    '-v',
    'error',
    '-i',
    clip.pathname,
    '-frames:v',
    String(count),
    join(folder, '%03d.png'),
  ]);
  return Array.from({ length: count }, (_, index) =>
    readFileSync(join(folder, `${String(index + 1).padStart(3, '0')}.png`)),
  );
}

if (kind === 'image') {
  const backdrop = await localBackdrop();
  const image = new Uint8Array(await photoOf(rest[0], rest[1]));
  serveRuns(async () => {
    const result = await backdrop.removeBackground({ image, download: true });
    await result.outputs[0]?.bytes();
  });
} else if (kind === 'imgly') {
  const { removeBackground } = await import('@imgly/background-removal-node');
  const entry = createRequire(import.meta.url).resolve('@imgly/background-removal-node');
  const image = new Blob([await photoOf(rest[0], rest[1])], { type: 'image/jpeg' });
  const config = { publicPath: pathToFileURL(`${dirname(entry)}/`).href, model: 'medium' };
  serveRuns(async () => {
    await (await removeBackground(image, config)).arrayBuffer();
  });
} else if (kind === 'frames') {
  const backdrop = await localBackdrop();
  const frames = framesOf(Number(rest[0]));
  await backdrop.removeBackground({ image: new Uint8Array(frames[0]), download: true });
  const started = performance.now();
  for (const frame of frames) {
    const result = await backdrop.removeBackground({ image: new Uint8Array(frame), download: true });
    await result.outputs[0]?.bytes();
  }
  const secondsPerFrame = (performance.now() - started) / 1000 / frames.length;
  report({ secondsPerFrame: Number(secondsPerFrame.toFixed(3)) });
} else if (kind === 'video') {
  const backdrop = await localBackdrop();
  let path = clip.pathname;
  if (rest[0]) {
    path = join(mkdtempSync(join(tmpdir(), 'backdrop-bench-clip-')), 'clip.mp4');
    spawnSync('ffmpeg', ['-v', 'error', '-i', clip.pathname, '-frames:v', rest[0], '-c', 'copy', '-y', path]);
  }
  const video = readFileSync(path);
  // Load the model first, as the frame-by-frame run does.
  await backdrop.removeBackground({ image: new Uint8Array(await photoOf(64, 64)) });
  const started = performance.now();
  await backdrop.removeVideoBackground({
    video: new Uint8Array(video),
    background: 'green',
    container: 'mp4_h264',
    download: true,
  });
  const seconds = (performance.now() - started) / 1000;
  const counted = spawnSync('ffprobe', [
    ...['-v', 'error', '-count_frames', '-select_streams', 'v:0'],
    ...['-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', path],
  ]);
  const frames = Number(counted.stdout.toString().trim());
  report({
    frames,
    secondsPerFrame: Number((seconds / frames).toFixed(3)),
    framesPerSecond: Number((frames / seconds).toFixed(2)),
  });
} else {
  throw new Error(`unknown measurement ${kind}`);
}
