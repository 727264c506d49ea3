import { makeSampleImage } from '@backdrop/testkit';
import { describe, expect, it, vi } from 'vitest';
import { BackdropError, createBackdrop } from '../src/index.js';
import { createFakeRealtime } from './support/fake-adapter.js';

const frame = (index: number) => new Uint8Array([0xff, 0xd8, 0xff, index]);

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
    expect(connection?.sent.map((entry) => (entry.frame as Uint8Array)[3])).toEqual([0]);
    live.answer();
    expect(connection?.sent.map((entry) => (entry.frame as Uint8Array)[3])).toEqual([0, 4]);
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
      expect(live.connections[1]?.sent.map((entry) => (entry.frame as Uint8Array)[3])).toEqual([1]);
      expect(session.stats()).toMatchObject({ reconnects: 1, framesDropped: 1 });
      await session.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('with reconnecting off, a drop ends the session and onError says so', async () => {
    const live = createFakeRealtime();
    const session = await createBackdrop({ providers: [live.adapter] }).connectRealtimeVideo({
      maxReconnects: 0,
    });
    const errors: BackdropError[] = [];
    session.onError((error) => errors.push(error));
    live.drop();
    await session.closed;
    expect(errors.map((error) => [error.code, error.message])).toEqual([
      ['network', expect.stringContaining('the connection dropped and reconnecting is off')],
    ]);
    expect(() => session.send(frame(0))).toThrow('frame: the session is closed');
    await expect(session.setBackground('white')).rejects.toThrow('background: the session is closed');
  });

  it('reconnects at once after a healthy stretch, so eight spaced drops never end the session', async () => {
    const live = createFakeRealtime();
    const session = await createBackdrop({ providers: [live.adapter] }).connectRealtimeVideo({
      frameTimeoutMs: 600_000,
    });
    const errors: BackdropError[] = [];
    session.onError((error) => errors.push(error));
    for (let drop = 1; drop <= 8; drop++) {
      // A healthy stretch: three frames answered on this connection.
      for (let index = 0; index < 3; index++) {
        session.send(frame(index));
        live.answer();
      }
      session.send(frame(9)); // in flight when the connection drops
      live.drop();
      session.send(frame(10 + drop));
      // The first reconnect after a healthy stretch waits for nothing but the connect itself.
      await vi.waitFor(() => expect(live.connections).toHaveLength(drop + 1));
      // The slot held by the lost frame was freed: the newest frame went out on the new connection.
      await vi.waitFor(() =>
        expect(live.connections[drop]?.sent.map((entry) => (entry.frame as Uint8Array)[3])).toEqual([
          10 + drop,
        ]),
      );
      live.answer();
    }
    expect(session.stats()).toMatchObject({ reconnects: 8, framesDropped: 8 });
    expect(errors).toEqual([]);
    await session.close();
  });

  it('gives up after maxReconnects drops in a row with no healthy stretch, and says why', async () => {
    vi.useFakeTimers();
    try {
      const live = createFakeRealtime();
      const session = await createBackdrop({ providers: [live.adapter] }).connectRealtimeVideo({
        maxReconnects: 3,
      });
      const errors: BackdropError[] = [];
      session.onError((error) => errors.push(error));
      let ended = false;
      void session.closed.then(() => {
        ended = true;
      });
      for (let drop = 1; drop <= 4; drop++) {
        live.drop(
          new BackdropError({ code: 'provider_error', provider: 'fake-live', message: 'the app crashed' }),
        );
        await vi.advanceTimersByTimeAsync(1_000);
        expect(live.connections).toHaveLength(Math.min(drop + 1, 4));
      }
      expect(ended).toBe(true);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.code).toBe('network');
      expect(errors[0]?.message).toBe(
        'the live session ended: the connection dropped again after 3 reconnects in a row without a healthy stretch (last: the app crashed)',
      );
      expect(session.stats().reconnects).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a frame that is not an image before sending it', async () => {
    const live = createFakeRealtime();
    const session = await createBackdrop({ providers: [live.adapter] }).connectRealtimeVideo();
    expect(() => session.send(new Uint8Array([1, 2, 3, 4]))).toThrow(
      'frame: must be a JPEG, PNG or WebP image; these 4 bytes are none of them',
    );
    expect(() => session.send('ftp://camera/frame.jpg')).toThrow(
      'frame: a string frame must be an http(s) URL',
    );
    expect(() => session.send(new Blob([]))).toThrow('frame: the image is empty (0 bytes)');
    expect(live.connections[0]?.sent).toEqual([]);
    await session.close();
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
