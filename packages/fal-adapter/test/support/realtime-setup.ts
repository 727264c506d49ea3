import type { FalEmulator } from '@backdrop/testkit';
import sharp from 'sharp';
import WebSocket from 'ws';

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
