// One measurement in a process of its own, so its peak memory is its own:
//   node local-engine-run.mjs image <width> <height>   |   node local-engine-run.mjs video <width> <height> <frames>
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackdrop } from '@backdrop/core';
import sharp from 'sharp';
import { createLocal } from '../dist/index.js';

const [kind, width, height, frames] = process.argv.slice(2);
const backdrop = createBackdrop({ providers: [createLocal()] });
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

if (kind === 'image') {
  const photo = new URL('../../testkit/fixtures/truck.jpg', import.meta.url);
  const image = await sharp(readFileSync(photo))
    .resize(Number(width), Number(height), { fit: 'fill' })
    .jpeg({ quality: 90 })
    .toBuffer();
  const times = [];
  for (let run = 0; run < 6; run++) {
    const started = performance.now();
    const result = await backdrop.removeBackground({ image: new Uint8Array(image), download: true });
    if (run > 0) times.push(performance.now() - started); // the first run loads the model
    if (!result.outputs[0]) throw new Error('no output');
  }
  console.log(
    JSON.stringify({
      medianMs: Math.round(median(times)),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
} else {
  const folder = mkdtempSync(join(tmpdir(), 'backdrop-bench-'));
  const path = join(folder, 'clip.mp4');
  const seconds = Number(frames) / 10;
  spawnSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${width}x${height}:r=10:d=${seconds}`,
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    '-y',
    path,
  ]);
  await backdrop.removeBackground({
    image: new Uint8Array(
      await sharp({ create: { width: 64, height: 64, channels: 3, background: 'white' } })
        .png()
        .toBuffer(),
    ),
  });
  const started = performance.now();
  await backdrop.removeVideoBackground({
    video: new Uint8Array(readFileSync(path)),
    background: 'green',
    container: 'mp4_h264',
    download: true,
  });
  const elapsed = (performance.now() - started) / 1000;
  console.log(
    JSON.stringify({
      framesPerSecond: Number((Number(frames) / elapsed).toFixed(2)),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
}
