import { createBackdrop, type RealtimeFrame } from '@backdrop/core/node';
import { type FalEmulator, startFalEmulator } from '@backdrop/testkit';
import sharp from 'sharp';
import WebSocket from 'ws';
import { createFal, type FalOptions } from '../../src/node.js';

/**
 * fal's client opens `wss://fal.run/<app>/realtime` with the global WebSocket and offers no
 * option for the URL: the test installs a WebSocket that rewrites only scheme and host.
 */
export function installEmulatorWebSocket(emulator: FalEmulator): () => void {
  const scope = globalThis as { WebSocket?: unknown };
  const previous = scope.WebSocket;
  class EmulatorWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(emulator.webSocketUrl(String(url)), protocols);
    }
  }
  scope.WebSocket = EmulatorWebSocket;
  return () => {
    scope.WebSocket = previous;
  };
}

/** A webcam-like JPEG: a red subject in front of a plain white wall. */
export async function makeCameraFrame(width = 64, height = 48): Promise<Uint8Array> {
  const subject = await sharp({
    create: {
      width: Math.round(width * 0.375),
      height: Math.round(height * 0.58),
      channels: 3,
      background: { r: 220, g: 20, b: 20 },
    },
  })
    .png()
    .toBuffer();
  return new Uint8Array(
    await sharp({ create: { width, height, channels: 3, background: { r: 255, g: 255, b: 255 } } })
      .composite([{ input: subject, left: Math.round(width * 0.31), top: Math.round(height * 0.2) }])
      .jpeg()
      .toBuffer(),
  );
}

export interface LiveEmulatorOptions {
  fal?: FalOptions;
  frameDelayMs?: number;
}

/** The fal emulator with its WebSocket installed, and a Backdrop on a fal adapter with a key. */
export async function startLiveEmulator(options: LiveEmulatorOptions = {}) {
  const emulator = await startFalEmulator({ realtimeFrameDelayMs: options.frameDelayMs });
  const restore = installEmulatorWebSocket(emulator);
  const backdrop = createBackdrop({
    providers: [createFal({ credentials: 'test-fal-key', fetch: emulator.fetch, ...options.fal })],
  });
  return { emulator, restore, backdrop };
}

/** The top-left pixel of a processed frame, as [red, green, blue]. */
export async function cornerOf(result: RealtimeFrame): Promise<number[]> {
  const { data } = await sharp(result.data ?? new Uint8Array())
    .raw()
    .toBuffer({ resolveWithObject: true });
  return [data[0] ?? 0, data[1] ?? 0, data[2] ?? 0];
}
