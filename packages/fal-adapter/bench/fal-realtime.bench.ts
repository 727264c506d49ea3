import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { createBackdrop } from '@backdrop/core';
import { startFalEmulator } from '@backdrop/testkit';
import sharp from 'sharp';
import { it } from 'vitest';
import { createFal } from '../src/node.js';
import { installEmulatorWebSocket } from '../test/support/realtime-setup.js';

const framesPerSecond = 15;

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

async function runSession(frameDelayMs: number, seconds: number) {
  const emulator = await startFalEmulator({ realtimeFrameDelayMs: frameDelayMs });
  const restore = installEmulatorWebSocket(emulator);
  try {
    const backdrop = createBackdrop({
      providers: [createFal({ credentials: 'test-fal-key', fetch: emulator.fetch })],
    });
    const session = await backdrop.connectRealtimeVideo({ background: 'green' });
    const frame = await cameraFrame();
    const total = framesPerSecond * seconds;
    for (let index = 0; index < total; index++) {
      session.send(frame);
      await new Promise((resolve) => setTimeout(resolve, 1000 / framesPerSecond));
    }
    await new Promise((resolve) => setTimeout(resolve, 500 + frameDelayMs));
    const stats = session.stats();
    await session.close();
    return {
      run: `${total} frames at ${framesPerSecond} fps, emulator ${frameDelayMs ? `+${frameDelayMs} ms a frame` : 'at full speed'}`,
      sent: stats.framesSent,
      received: stats.framesReceived,
      dropped: stats.framesDropped,
      medianMs: Math.round(stats.latencyMs?.median ?? Number.NaN),
      p95Ms: Math.round(stats.latencyMs?.p95 ?? Number.NaN),
    };
  } finally {
    restore();
    await emulator.close();
  }
}

it('fal live session: round trip at 15 fps, and drops when the service is slower than the camera', async () => {
  const rows = [await runSession(0, 20), await runSession(150, 10)];
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  console.log(`fal realtime through the emulator (320x240 JPEG frames) on ${machine}`);
  console.table(rows);
  await mkdir('bench-results', { recursive: true });
  await writeFile('bench-results/fal-realtime.json', `${JSON.stringify({ machine, rows }, null, 2)}\n`);
});
