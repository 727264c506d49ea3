import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { type BackgroundInput, createBackdrop } from '@backdrop/core';
import { startFalEmulator } from '@backdrop/testkit';
import sharp from 'sharp';
import { it } from 'vitest';
import { createFal } from '../src/node.js';
import { installEmulatorWebSocket } from '../test/support/realtime-setup.js';

const framesPerSecond = 15;
const frameIntervalMs = 1000 / framesPerSecond;

async function cameraFrame(): Promise<Uint8Array> {
  const subject = await sharp({
    create: { width: 120, height: 160, channels: 3, background: { r: 200, g: 40, b: 40 } },
  })
    .png()
    .toBuffer();
  const frame = sharp({
    create: { width: 320, height: 240, channels: 3, background: { r: 245, g: 245, b: 245 } },
  });
  return new Uint8Array(
    await frame
      .composite([{ input: subject, left: 100, top: 60 }])
      .jpeg({ quality: 80 })
      .toBuffer(),
  );
}

/** A photo-like background image: a gradient (a plain colour would compress to nothing). */
async function backgroundImage(): Promise<Uint8Array> {
  const width = 320;
  const height = 240;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 3;
      pixels[offset] = (x * 255) / width;
      pixels[offset + 1] = (y * 255) / height;
      pixels[offset + 2] = ((x + y) * 97) % 256;
    }
  }
  return new Uint8Array(
    await sharp(pixels, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 85 })
      .toBuffer(),
  );
}

const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

interface SessionOptions {
  frameDelayMs: number;
  seconds: number;
  background: BackgroundInput;
  /** A fal key here (uploads possible) or a token only, as in a browser. */
  withKey?: boolean;
  /** Every this many frames, a frame the app refuses (x-fal-error, then a 1000 close). */
  refuseEvery?: number;
}

async function runSession(options: SessionOptions) {
  const emulator = await startFalEmulator({ realtimeFrameDelayMs: options.frameDelayMs });
  const restore = installEmulatorWebSocket(emulator);
  try {
    const fal =
      options.withKey === false
        ? createFal({
            realtimeTokenProvider: async (app) => {
              const response = await emulator.fetch('https://rest.fal.ai/tokens/', {
                method: 'POST',
                headers: { authorization: 'Key test-fal-key', 'content-type': 'application/json' },
                body: JSON.stringify({ allowed_apps: [app.split('/')[1]], token_expiration: 120 }),
              });
              return (await response.json()) as string;
            },
          })
        : createFal({ credentials: 'test-fal-key', fetch: emulator.fetch });
    const session = await createBackdrop({ providers: [fal] }).connectRealtimeVideo({
      background: options.background,
    });
    const frame = await cameraFrame();
    const broken = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2, 3]);
    // The longest wait between two processed frames that spans a refused frame.
    const answeredAt: number[] = [];
    session.onFrame(() => answeredAt.push(performance.now()));
    const refusedAt: number[] = [];
    session.onError(() => refusedAt.push(performance.now()));
    const total = framesPerSecond * options.seconds;
    for (let index = 0; index < total; index++) {
      const refuse =
        options.refuseEvery !== undefined && index % options.refuseEvery === options.refuseEvery - 1;
      session.send(refuse ? broken : frame);
      await pause(frameIntervalMs);
    }
    await pause(500 + options.frameDelayMs);
    const stats = session.stats();
    await session.close();
    // A refusal in the last frames of the run has no next frame: it is left out.
    const gaps = refusedAt.flatMap((at) => {
      const next = answeredAt.find((answered) => answered > at);
      return next === undefined ? [] : [next - at];
    });
    gaps.sort((left, right) => left - right);
    const realtime = emulator.realtime.stats;
    return {
      sent: stats.framesSent,
      received: stats.framesReceived,
      dropped: stats.framesDropped,
      reconnects: stats.reconnects,
      medianMs: Math.round(stats.latencyMs?.median ?? Number.NaN),
      p95Ms: Math.round(stats.latencyMs?.p95 ?? Number.NaN),
      messageKiB: Number((realtime.bytesReceived / Math.max(1, realtime.framesReceived) / 1024).toFixed(1)),
      frameKiB: Number((frame.byteLength / 1024).toFixed(1)),
      refused: refusedAt.length,
      // From the refusal to the next processed frame: at most a frame interval plus a round trip.
      refusedToNextFrameMedianMs: gaps.length
        ? Math.round(gaps[Math.floor(gaps.length / 2)] ?? Number.NaN)
        : '',
      refusedToNextFrameMaxMs: gaps.length ? Math.round(gaps.at(-1) ?? Number.NaN) : '',
    };
  } finally {
    restore();
    await emulator.close();
  }
}

it('fal live session: round trip at 15 fps, drops when the service is slow, message size per background, recovery after a refused frame', async () => {
  const image = await backgroundImage();
  const runs: Array<[string, SessionOptions]> = [
    ['colour, full speed', { frameDelayMs: 0, seconds: 20, background: 'green' }],
    ['colour, +150 ms a frame', { frameDelayMs: 150, seconds: 10, background: 'green' }],
    ['blur', { frameDelayMs: 0, seconds: 5, background: { type: 'blur', strength: 40 } }],
    [
      'image, uploaded once (key on this side)',
      { frameDelayMs: 0, seconds: 5, background: { type: 'image', image } },
    ],
    [
      'image, inline data URI (token only, browser)',
      { frameDelayMs: 0, seconds: 5, background: { type: 'image', image }, withKey: false },
    ],
    [
      'colour, a refused frame every 15 (x-fal-error, 1000 close)',
      { frameDelayMs: 0, seconds: 10, background: 'green', refuseEvery: 15 },
    ],
  ];
  const rows = [];
  for (const [run, options] of runs) rows.push({ run, ...(await runSession(options)) });
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  console.log(
    `fal realtime through the emulator (320x240 JPEG frames at ${framesPerSecond} fps, a ${(image.byteLength / 1024).toFixed(1)} KiB background image) on ${machine}`,
  );
  console.table(rows);
  await mkdir('bench-results', { recursive: true });
  await writeFile('bench-results/fal-realtime.json', `${JSON.stringify({ machine, rows }, null, 2)}\n`);
});
