import { makeSampleImage } from '@backdrop/testkit';
import { describe, expect, it, vi } from 'vitest';
import { BackdropError, createBackdrop } from '../src/index.js';
import { createFakeRealtime } from './support/fake-adapter.js';

const frame = (index: number) => new Uint8Array([0xff, 0xd8, index]);

describe('live video sessions', () => {
  it('sends the newest frame and drops stale ones when the service is slower than the camera', async () => {
    const live = createFakeRealtime();
    const session = await createBackdrop({ providers: [live.adapter] }).connectRealtimeVideo({
      background: 'white',
    });
    const received: number[] = [];
    session.onFrame((result) => received.push(result.data?.[0] ?? -1));
    for (let index = 0; index < 5; index++) session.send(frame(index));
    // One frame in flight; frames 1-3 were replaced by newer ones before they could be sent.
    const connection = live.connections[0];
    expect(connection?.sent.map((entry) => (entry.frame as Uint8Array)[2])).toEqual([0]);
    live.answer();
    expect(connection?.sent.map((entry) => (entry.frame as Uint8Array)[2])).toEqual([0, 4]);
    live.answer();
    expect(received).toEqual([0, 1]);
    const stats = session.stats();
    expect(stats).toMatchObject({ framesSent: 2, framesReceived: 2, framesDropped: 3, reconnects: 0 });
    expect(stats.latencyMs?.median).toBeGreaterThanOrEqual(0);
    expect(connection?.sent[0]?.background).toEqual({ type: 'color', color: 'white' });
    await session.close();
  });

  it('keeps several frames in flight when allowed', async () => {
    const live = createFakeRealtime();
    const session = await createBackdrop({ providers: [live.adapter] }).connectRealtimeVideo({
      maxFramesInFlight: 3,
    });
    for (let index = 0; index < 4; index++) session.send(frame(index));
    expect(live.connections[0]?.sent).toHaveLength(3);
    await session.close();
    expect(session.stats().framesDropped).toBe(4);
  });

  it('switches the background for the frames that follow, checked against the provider', async () => {
    const live = createFakeRealtime();
    const session = await createBackdrop({ providers: [live.adapter] }).connectRealtimeVideo();
    session.send(frame(0));
    await session.setBackground({ type: 'blur', strength: 80 });
    live.answer();
    session.send(frame(1));
    expect(live.connections[0]?.sent.map((entry) => entry.background)).toEqual([
      { type: 'color', color: 'black' },
      { type: 'blur', strength: 80 },
    ]);
    await expect(session.setBackground('transparent')).rejects.toThrow(
      'background: transparent; fake live takes color, blur backgrounds',
    );
    await session.close();
  });

  it('hands a local background image to the session inline, as a data URI', async () => {
    const live = createFakeRealtime({
      connectRealtimeVideo: [
        { model: 'fake-realtime', background: { types: ['image'], colors: [], image: { formats: ['png'] } } },
      ],
    });
    const png = await makeSampleImage('png', 4, 4);
    const session = await createBackdrop({ providers: [live.adapter] }).connectRealtimeVideo({
      background: { type: 'image', image: png },
    });
    session.send(frame(0));
    const background = live.connections[0]?.sent[0]?.background;
    expect(
      background?.type === 'image' &&
        background.image.kind === 'url' &&
        background.image.url.startsWith('data:image/png;base64,'),
    ).toBe(true);
    await session.close();
  });

  it('reconnects after an unexpected drop and resends the newest frame', async () => {
    vi.useFakeTimers();
    try {
      const live = createFakeRealtime();
      const session = await createBackdrop({ providers: [live.adapter] }).connectRealtimeVideo();
      session.send(frame(0));
      live.drop();
      session.send(frame(1));
      await vi.advanceTimersByTimeAsync(300);
      expect(live.connections).toHaveLength(2);
      expect(live.connections[1]?.sent.map((entry) => (entry.frame as Uint8Array)[2])).toEqual([1]);
      expect(session.stats()).toMatchObject({ reconnects: 1, framesDropped: 1 });
      await session.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives up after maxReconnects and ends the session', async () => {
    const live = createFakeRealtime();
    const session = await createBackdrop({ providers: [live.adapter] }).connectRealtimeVideo({
      maxReconnects: 0,
    });
    live.drop();
    await session.closed;
    expect(() => session.send(frame(0))).toThrow('frame: the session is closed');
  });

  it('counts an unanswered frame as lost after the frame timeout', async () => {
    const live = createFakeRealtime();
    const session = await createBackdrop({ providers: [live.adapter] }).connectRealtimeVideo({
      frameTimeoutMs: 40,
    });
    session.send(frame(0));
    session.send(frame(1));
    await vi.waitFor(() => expect(live.connections[0]?.sent).toHaveLength(2), { timeout: 2000 });
    expect(session.stats().framesDropped).toBe(1);
    await session.close();
  });

  it('routes only to providers with live sessions', async () => {
    const live = createFakeRealtime({});
    const error = await createBackdrop({ providers: [live.adapter] })
      .connectRealtimeVideo()
      .catch((caught: unknown) => caught);
    expect(BackdropError.isInstance(error) && error.code).toBe('unsupported');
  });
});
