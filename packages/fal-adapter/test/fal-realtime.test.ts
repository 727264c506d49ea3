import {
  type BackdropError,
  type BackdropRealtimeSession,
  createBackdrop,
  type RealtimeFrame,
} from '@backdrop/core/node';
import { type FalEmulator, startFalEmulator } from '@backdrop/testkit';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFal, createFalRealtimeTokenRoute } from '../src/node.js';
import { rejection } from './support/fal-setup.js';
import {
  cornerOf,
  installEmulatorWebSocket,
  type LiveEmulatorOptions,
  makeCameraFrame,
  startLiveEmulator,
} from './support/realtime-setup.js';

let emulator: FalEmulator;
let restore: () => void = () => {};
let session: BackdropRealtimeSession | undefined;
let frame: Uint8Array;

beforeAll(async () => {
  frame = await makeCameraFrame();
});
afterEach(async () => {
  await session?.close();
  session = undefined;
  restore();
  await emulator?.close();
});

async function start(options: LiveEmulatorOptions = {}) {
  const started = await startLiveEmulator(options);
  ({ emulator, restore } = started);
  return started.backdrop;
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

/** A session whose frames, errors and end the test can watch; a lost frame is never swept by timeout. */
async function open(
  backdrop: ReturnType<typeof createBackdrop>,
  background: Parameters<ReturnType<typeof createBackdrop>['connectRealtimeVideo']>[0] = {},
) {
  session = await backdrop.connectRealtimeVideo({ frameTimeoutMs: 600_000, ...background });
  const live = session;
  const frames: RealtimeFrame[] = [];
  const errors: BackdropError[] = [];
  let ended = false;
  live.onFrame((result) => frames.push(result));
  live.onError((error) => errors.push(error));
  void live.closed.then(() => {
    ended = true;
  });
  /** Sends a frame and waits for its answer. */
  const roundTrip = async (input: Parameters<BackdropRealtimeSession['send']>[0] = frame) => {
    const before = frames.length;
    live.send(input);
    await vi.waitFor(() => expect(frames.length).toBe(before + 1), { timeout: 10_000 });
    return frames.at(-1) ?? {};
  };
  return { live, frames, errors, roundTrip, ended: () => ended };
}

describe('fal live sessions: frames as bytes, and recovery from every end of a connection', () => {
  it('sends frames given as a Uint8Array and as a Blob as data URIs, which the strict app takes', async () => {
    const { live, errors, roundTrip } = await open(await start(), { background: 'green' });
    const fromBytes = await roundTrip(frame);
    const fromBlob = await roundTrip(new Blob([frame as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }));
    for (const result of [fromBytes, fromBlob]) expect((await cornerOf(result))[1]).toBeGreaterThan(200);
    expect(errors).toEqual([]);
    expect(emulator.realtime.stats).toMatchObject({ framesAnswered: 2, framesRefused: 0, connections: 1 });
    expect(live.stats()).toMatchObject({ framesSent: 2, framesReceived: 2, framesDropped: 0, reconnects: 0 });
  });

  it('a frame the app refuses is reported and its slot freed at once: the next frame goes out and is answered', async () => {
    const { live, errors, roundTrip } = await open(await start(), { background: 'green' });
    await roundTrip();
    // A JPEG by its first bytes, garbage after: the app fails it, reports x-fal-error and closes with 1000.
    live.send(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]));
    await vi.waitFor(() => expect(errors).toHaveLength(1), { timeout: 10_000 });
    expect(errors[0]).toMatchObject({ code: 'provider_error', provider: 'fal' });
    expect(errors[0]?.message).toContain("fal's live session refused a frame: PROCESSING_ERROR");
    // The very next frame is sent (not held behind the refused one until a timeout) and answered.
    expect(live.stats().framesSent).toBe(2);
    await roundTrip();
    await roundTrip();
    expect(live.stats()).toMatchObject({ framesSent: 4, framesReceived: 3, framesDropped: 1, reconnects: 1 });
    expect(emulator.realtime.stats).toMatchObject({ framesReceived: 4, framesRefused: 1, framesAnswered: 3 });
    expect(errors).toHaveLength(1);
  });

  it('a server-side close (the app timing the connection out, then 1000) frees the frame in flight silently', async () => {
    const { live, errors, roundTrip } = await open(await start({ frameDelayMs: 60_000 }), {
      background: 'black',
    });
    live.send(frame);
    await vi.waitFor(() => expect(emulator.realtime.stats.framesReceived).toBe(1), { timeout: 10_000 });
    emulator.realtime.closeConnections();
    await vi.waitFor(() => expect(live.stats().reconnects).toBe(1), { timeout: 10_000 });
    emulator.realtime.setFrameDelay(0);
    await roundTrip();
    expect(live.stats()).toMatchObject({ framesSent: 2, framesReceived: 1, framesDropped: 1 });
    expect(errors).toEqual([]);
  });

  it('survives eight drops with healthy stretches between them, and the newest frame goes out after each', async () => {
    const { live, errors, roundTrip, ended } = await open(await start(), { background: 'black' });
    for (let drop = 1; drop <= 8; drop++) {
      for (let index = 0; index < 3; index++) await roundTrip();
      emulator.realtime.dropConnections();
      await vi.waitFor(() => expect(live.stats().reconnects).toBe(drop), { timeout: 10_000 });
    }
    await roundTrip();
    expect(ended()).toBe(false);
    expect(errors).toEqual([]);
    expect(live.stats()).toMatchObject({ reconnects: 8, framesReceived: 25, framesDropped: 0 });
    expect(emulator.realtime.stats.connections).toBe(9);
  });

  it('gives up after maxReconnects drops in a row with no frame answered between, says so, and ends', async () => {
    const backdrop = await start({ frameDelayMs: 60_000 });
    session = await backdrop.connectRealtimeVideo({ maxReconnects: 2, frameTimeoutMs: 600_000 });
    const live = session;
    const errors: BackdropError[] = [];
    live.onError((error) => errors.push(error));
    for (let connection = 1; connection <= 3; connection++) {
      live.send(frame);
      await vi.waitFor(() => expect(emulator.realtime.stats.framesReceived).toBe(connection), {
        timeout: 10_000,
      });
      emulator.realtime.dropConnections();
      if (connection < 3)
        await vi.waitFor(() => expect(live.stats().reconnects).toBe(connection), { timeout: 10_000 });
    }
    await live.closed;
    expect(errors.map((error) => error.code)).toEqual(['network']);
    expect(errors[0]?.message).toContain(
      'the live session ended: the connection dropped again after 2 reconnects in a row without a healthy stretch',
    );
    expect(() => live.send(frame)).toThrow('frame: the session is closed');
    await expect(live.setBackground('white')).rejects.toThrow('background: the session is closed');
  });

  it('replaces a token that expired between connect and the first frame, before using it', async () => {
    emulator = await startFalEmulator();
    restore = installEmulatorWebSocket(emulator);
    // The app server mints one-second tokens; the adapter reads their lifetime from the JWT.
    const route = createFalRealtimeTokenRoute({
      credentials: 'test-fal-key',
      fetch: emulator.fetch,
      expirationSeconds: 1,
    });
    const browserFal = createFal({
      realtimeTokenProvider: async (app) =>
        (
          await route(new Request('http://app.test/t', { method: 'POST', body: JSON.stringify({ app }) }))
        ).text(),
    });
    const { errors, roundTrip, live } = await open(createBackdrop({ providers: [browserFal] }), {
      background: 'white',
    });
    await emulator.realtime.tokensExpired();
    await roundTrip();
    expect(errors).toEqual([]);
    expect(emulator.realtime.stats.unauthorized).toBe(0);
    expect(emulator.requests.filter((request) => request.path === '/tokens/')).toHaveLength(2);
    expect(live.stats()).toMatchObject({ framesDropped: 0, reconnects: 0 });
  });

  it('a token the app refuses (Unauthorized, then 1000) frees the frame at once; a new token carries on', async () => {
    const { live, errors, roundTrip } = await open(await start(), { background: 'white' });
    await roundTrip();
    // The app starts refusing every token it has issued; the adapter fetches another.
    emulator.realtime.revokeTokens();
    live.send(frame);
    await vi.waitFor(() => expect(emulator.realtime.stats.unauthorized).toBe(1), { timeout: 10_000 });
    await roundTrip();
    expect(live.stats()).toMatchObject({ framesSent: 3, framesReceived: 2, framesDropped: 1, reconnects: 1 });
    expect(errors).toEqual([]);
  });

  it('uploads an inline image background once and sends its URL with each frame, not the image', async () => {
    const magenta = new Uint8Array(
      await sharp({ create: { width: 160, height: 120, channels: 3, background: { r: 255, g: 0, b: 255 } } })
        .png({ compressionLevel: 0 })
        .toBuffer(),
    );
    const { roundTrip } = await open(await start(), { background: { type: 'image', image: magenta } });
    const [red = 0, green = 0, blue = 0] = await cornerOf(await roundTrip());
    expect([red > 200, green < 60, blue > 200]).toEqual([true, true, true]);
    await roundTrip();
    await roundTrip();
    const uploads = emulator.requests.filter((request) => request.path === '/storage/upload/initiate');
    expect(uploads).toHaveLength(1);
    // Each frame message carries the frame and a short URL: far less than the background itself.
    const perFrame = emulator.realtime.stats.bytesReceived / emulator.realtime.stats.framesReceived;
    expect(perFrame).toBeLessThan(frame.byteLength * 1.4 + 1_000);
    expect(magenta.byteLength).toBeGreaterThan(50_000);
  });
});
