import { type BackdropRealtimeSession, createBackdrop, type RealtimeFrame } from '@backdrop/core/node';
import { type FalEmulator, startFalEmulator } from '@backdrop/testkit';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFal, createFalRealtimeTokenRoute } from '../src/node.js';
import { rejection } from './support/fal-setup.js';
import { installEmulatorWebSocket } from './support/realtime-setup.js';

let emulator: FalEmulator;
let restore: () => void = () => {};
let session: BackdropRealtimeSession | undefined;
let frame: Uint8Array;

beforeAll(async () => {
  // A red subject in front of a plain white wall, like a webcam frame.
  const subject = await sharp({
    create: { width: 24, height: 28, channels: 3, background: { r: 220, g: 20, b: 20 } },
  })
    .png()
    .toBuffer();
  frame = new Uint8Array(
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 255, g: 255, b: 255 } } })
      .composite([{ input: subject, left: 20, top: 10 }])
      .jpeg()
      .toBuffer(),
  );
});
afterEach(async () => {
  await session?.close();
  session = undefined;
  restore();
  await emulator?.close();
});

async function start(options: { fal?: Parameters<typeof createFal>[0]; frameDelayMs?: number } = {}) {
  emulator = await startFalEmulator({ realtimeFrameDelayMs: options.frameDelayMs });
  restore = installEmulatorWebSocket(emulator);
  return createBackdrop({
    providers: [createFal({ credentials: 'test-fal-key', fetch: emulator.fetch, ...options.fal })],
  });
}

async function cornerOf(result: RealtimeFrame): Promise<number[]> {
  const { data } = await sharp(result.data ?? new Uint8Array())
    .raw()
    .toBuffer({ resolveWithObject: true });
  return [data[0] ?? 0, data[1] ?? 0, data[2] ?? 0];
}

function collect(live: BackdropRealtimeSession): RealtimeFrame[] {
  const frames: RealtimeFrame[] = [];
  live.onFrame((result) => frames.push(result));
  return frames;
}

describe('fal live sessions (bria/video/background-removal/realtime)', () => {
  it('sends frames and receives them composited over the chosen colour', async () => {
    const backdrop = await start();
    session = await backdrop.connectRealtimeVideo({ background: 'green' });
    const frames = collect(session);
    session.send(frame);
    await vi.waitFor(() => expect(frames).toHaveLength(1), { timeout: 5000 });
    expect(frames[0]?.contentType).toBe('image/jpeg');
    const [red, green, blue] = await cornerOf(frames[0] ?? {});
    expect(green).toBeGreaterThan(200);
    expect((red ?? 0) + (blue ?? 0)).toBeLessThan(80);
    expect(session.stats()).toMatchObject({ framesSent: 1, framesReceived: 1, framesDropped: 0 });
    expect(session.stats().latencyMs?.median).toBeGreaterThan(0);
  });

  it('switches the background: blur, then an image, take effect on the next frames', async () => {
    const backdrop = await start();
    session = await backdrop.connectRealtimeVideo({ background: 'green' });
    const frames = collect(session);
    await session.setBackground({ type: 'blur', strength: 10 });
    session.send(frame);
    await vi.waitFor(() => expect(frames).toHaveLength(1), { timeout: 5000 });
    // The blurred white wall, where the session started with green.
    expect(Math.min(...(await cornerOf(frames[0] ?? {})))).toBeGreaterThan(200);
    const magenta = await sharp({
      create: { width: 40, height: 30, channels: 3, background: { r: 255, g: 0, b: 255 } },
    })
      .png()
      .toBuffer();
    await session.setBackground({ type: 'image', image: new Uint8Array(magenta) });
    session.send(frame);
    await vi.waitFor(() => expect(frames).toHaveLength(2), { timeout: 5000 });
    const [red = 0, green = 0, blue = 0] = await cornerOf(frames[1] ?? {});
    expect(red).toBeGreaterThan(200);
    expect(green).toBeLessThan(60);
    expect(blue).toBeGreaterThan(200);
  });

  it('refuses backgrounds the live app does not have, before connecting', async () => {
    const backdrop = await start();
    await expect(backdrop.connectRealtimeVideo({ background: 'transparent' })).rejects.toThrow(
      'background: transparent; fal takes color, blur, image backgrounds',
    );
    await expect(backdrop.connectRealtimeVideo({ background: '#00ff00' })).rejects.toThrow(
      'background.color: #00ff00; fal takes black',
    );
    expect(emulator.realtime.stats.connections).toBe(0);
  });

  it('works in a browser-like setup: no key, tokens from the app server route', async () => {
    emulator = await startFalEmulator();
    restore = installEmulatorWebSocket(emulator);
    const route = createFalRealtimeTokenRoute({ credentials: 'test-fal-key', fetch: emulator.fetch });
    const browserFal = createFal({
      realtimeTokenProvider: async (app) =>
        (
          await route(
            new Request('http://app.test/api/fal/realtime-token', {
              method: 'POST',
              body: JSON.stringify({ app }),
            }),
          )
        ).text(),
    });
    session = await createBackdrop({ providers: [browserFal] }).connectRealtimeVideo({ background: 'white' });
    const frames = collect(session);
    session.send(frame);
    await vi.waitFor(() => expect(frames).toHaveLength(1), { timeout: 5000 });
    const tokenCalls = emulator.requests.filter((request) => request.path === '/tokens/');
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]?.body).toEqual({ allowed_apps: ['video'], token_expiration: 120 });
  });

  it('the token route refuses other apps, other methods, and hides why the key failed', async () => {
    emulator = await startFalEmulator();
    const route = createFalRealtimeTokenRoute({ credentials: 'wrong-key-secret', fetch: emulator.fetch });
    const post = (body: unknown) =>
      route(new Request('http://app.test/t', { method: 'POST', body: JSON.stringify(body) }));
    expect((await post({ app: 'fal-ai/flux/dev' })).status).toBe(403);
    expect((await route(new Request('http://app.test/t'))).status).toBe(405);
    const refused = await post({ app: 'bria/video/background-removal/realtime' });
    expect(refused.status).toBe(401);
    expect(await refused.text()).not.toContain('wrong-key-secret');
  });

  it('fails the connect when the token provider fails, instead of dropping frames silently', async () => {
    const backdrop = await start({
      fal: { realtimeTokenProvider: async () => Promise.reject(new Error('token server down')) },
    });
    const error = await rejection(backdrop.connectRealtimeVideo());
    expect(error).toMatchObject({ code: 'auth', provider: 'fal' });
    expect(error.message).toContain('token server down');
  });

  it('refreshes tokens: frames keep coming after the first token expires', async () => {
    const backdrop = await start({ fal: { realtimeTokenExpirationSeconds: 1 } });
    session = await backdrop.connectRealtimeVideo({ background: 'black' });
    const frames = collect(session);
    const timer = setInterval(() => session?.send(frame), 100);
    try {
      await vi.waitFor(
        () =>
          expect(
            emulator.requests.filter((request) => request.path === '/tokens/').length,
          ).toBeGreaterThanOrEqual(2),
        { timeout: 8000 },
      );
      const before = frames.length;
      await vi.waitFor(() => expect(frames.length).toBeGreaterThan(before + 3), { timeout: 8000 });
    } finally {
      clearInterval(timer);
    }
  });

  it('reconnects after the connection drops and carries on', async () => {
    const backdrop = await start();
    session = await backdrop.connectRealtimeVideo({ background: 'black' });
    const frames = collect(session);
    session.send(frame);
    await vi.waitFor(() => expect(frames).toHaveLength(1), { timeout: 5000 });
    emulator.realtime.dropConnections();
    await vi.waitFor(() => expect(session?.stats().reconnects).toBe(1), { timeout: 5000 });
    session.send(frame);
    await vi.waitFor(() => expect(frames).toHaveLength(2), { timeout: 5000 });
    expect(emulator.realtime.stats.connections).toBe(2);
  });

  it('sends the newest frame and drops stale ones when the service is slower than the camera', async () => {
    const backdrop = await start({ frameDelayMs: 250 });
    session = await backdrop.connectRealtimeVideo({ background: 'black' });
    const frames = collect(session);
    for (let index = 0; index < 20; index++) {
      session.send(frame);
      await new Promise((resolve) => setTimeout(resolve, 66)); // 15 fps
    }
    await vi.waitFor(() => expect(session?.stats().framesSent).toBe(session?.stats().framesReceived), {
      timeout: 5000,
    });
    const stats = session.stats();
    expect(stats.framesDropped).toBeGreaterThan(10);
    expect(stats.framesSent + stats.framesDropped).toBe(20);
    // Never more than one frame waited at the service.
    expect(emulator.realtime.stats.framesReceived).toBe(stats.framesSent);
    expect(frames.length).toBe(stats.framesReceived);
  });

  it('closes cleanly', async () => {
    const backdrop = await start();
    const live = await backdrop.connectRealtimeVideo();
    live.send(frame);
    await vi.waitFor(() => expect(live.stats().framesReceived).toBe(1), { timeout: 5000 });
    await live.close();
    await live.closed;
    expect(() => live.send(frame)).toThrow('frame: the session is closed');
    expect(live.stats().estimatedCostUsd).toBeGreaterThan(0);
  });
});
