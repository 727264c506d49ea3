import { makeSampleImage } from '@backdrop/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackdropError, createBackdrop, type ProgressEvent } from '../src/index.js';
import { falLikeCapabilities } from './support/capabilities.js';
import { createFakeAdapter, defaultOutput } from './support/fake-adapter.js';
import { fastTimings as fast, rejection } from './support/rejection.js';

const image = 'https://cdn.example.com/product.png';

afterEach(() => {
  vi.useRealTimers();
});

describe('operations end to end through a fake adapter', () => {
  it('reports progress in order: uploading, queued with position, running with new logs, downloading, done', async () => {
    const adapter = createFakeAdapter({
      uploads: true,
      steps: [
        { state: 'queued', position: 1 },
        { state: 'running', logs: ['loading model'] },
        { state: 'running', logs: ['loading model', 'segmenting'], percent: 50 },
        { state: 'running', logs: ['loading model', 'segmenting'], percent: 50 },
      ],
    });
    const events: ProgressEvent[] = [];
    const backdrop = createBackdrop({ providers: [adapter], ...fast });
    const bytes = await makeSampleImage('png', 32, 32);
    const result = await backdrop.removeBackground({
      image: bytes,
      download: true,
      onProgress: (event) => events.push(event),
    });
    expect(events.map((event) => event.type)).toEqual([
      'uploading',
      'uploading',
      'uploading',
      'queued',
      'queued',
      'running',
      'running',
      'downloading',
      'done',
    ]);
    expect(events[0]).toEqual({
      type: 'uploading',
      provider: 'fake',
      field: 'image',
      loadedBytes: 0,
      totalBytes: bytes.byteLength,
    });
    expect(events[2]).toMatchObject({ loadedBytes: bytes.byteLength, totalBytes: bytes.byteLength });
    expect(events[3]).toEqual({ type: 'queued', provider: 'fake', position: 3 });
    expect(events[4]).toEqual({ type: 'queued', provider: 'fake', position: 1 });
    expect(events[5]).toEqual({
      type: 'running',
      provider: 'fake',
      logs: ['loading model'],
      percent: undefined,
    });
    expect(events[6]).toEqual({ type: 'running', provider: 'fake', logs: ['segmenting'], percent: 50 });
    expect(adapter.calls.upload).toEqual([
      { fileName: 'image.png', contentType: 'image/png', size: bytes.byteLength },
    ]);
    expect(adapter.calls.start[0]?.image).toMatchObject({
      kind: 'url',
      url: 'https://uploads.fake.test/image.png',
    });
    expect(result.outputs[0]?.sizeBytes).toBeGreaterThan(0);
  });

  it('hands bytes straight to an adapter without uploads', async () => {
    const adapter = createFakeAdapter({ synchronous: true });
    const bytes = await makeSampleImage('jpeg', 20, 10);
    await createBackdrop({ providers: [adapter] }).removeBackground({ image: bytes });
    expect(adapter.calls.start[0]?.image).toMatchObject({
      kind: 'bytes',
      fileName: 'image.jpg',
      facts: { format: 'jpeg', width: 20, height: 10 },
    });
  });

  it('returns normalized results with seed, provider, model, request id, warnings and bytes', async () => {
    const adapter = createFakeAdapter({
      synchronous: true,
      outcome: (call) => ({
        state: 'completed',
        output: {
          ...defaultOutput(call),
          requestId: 'provider-request-9',
          warnings: [{ type: 'adjusted', field: 'seed', message: 'seed rounded' }],
        },
      }),
    });
    const result = await createBackdrop({ providers: [adapter] }).replaceBackground({
      image,
      prompt: 'studio',
      seed: 7,
      count: 2,
    });
    expect(result).toMatchObject({
      seed: 7,
      provider: 'fake',
      model: 'fake-replace',
      requestId: 'provider-request-9',
    });
    expect(result.warnings).toEqual([{ type: 'adjusted', field: 'seed', message: 'seed rounded' }]);
    expect(result.outputs).toHaveLength(2);
    const bytes = await result.outputs[0]?.bytes();
    expect(Array.from(bytes?.subarray(1, 4) ?? [])).toEqual([0x50, 0x4e, 0x47]);
    // Backed by an ArrayBuffer, so TypeScript >= 5.7 with the DOM lib takes it as a BlobPart.
    expect(new Blob([bytes ?? new Uint8Array()], { type: 'image/png' }).size).toBe(bytes?.byteLength);
    expect(result.estimatedCostUsd).toBeUndefined();
  });

  it('estimates cost from the price table per model', async () => {
    const fal = createFakeAdapter({ provider: 'fal', capabilities: falLikeCapabilities, synchronous: true });
    const backdrop = createBackdrop({ providers: [fal] });
    expect((await backdrop.removeBackground({ image })).estimatedCostUsd).toBe(0.018);
    expect((await backdrop.replaceBackground({ image, prompt: 'x', count: 2 })).estimatedCostUsd).toBe(0.046);
    // No documented price for bria/replace-background: unknown, not guessed.
    expect((await backdrop.replaceBackground({ image, prompt: 'x' })).estimatedCostUsd).toBeUndefined();
  });

  it('retries a rate-limited start after its Retry-After and a failed poll, then succeeds', async () => {
    vi.useFakeTimers();
    const adapter = createFakeAdapter({
      failures: {
        start: [
          new BackdropError({ code: 'rate_limited', message: 'slow down', status: 429, retryAfterMs: 2000 }),
        ],
        status: [new BackdropError({ code: 'network', message: 'reset' })],
      },
    });
    const backdrop = createBackdrop({
      providers: [adapter],
      pollIntervalMs: 100,
      retry: { random: () => 0.5 },
    });
    const promise = backdrop.removeBackground({ image });
    await vi.advanceTimersByTimeAsync(1999);
    expect(adapter.calls.start).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(adapter.calls.start).toHaveLength(2);
    await vi.runAllTimersAsync();
    const result = await promise;
    expect(result.outputs).toHaveLength(1);
    expect(adapter.calls.status).toHaveLength(2);
  });

  it('turns a failed job into its error, with provider and request id, and does not retry it', async () => {
    const adapter = createFakeAdapter({
      outcome: () => ({
        state: 'failed',
        error: new BackdropError({
          code: 'moderation',
          message: 'prompt: refused by content moderation',
          field: 'prompt',
        }),
      }),
    });
    const error = await rejection(
      createBackdrop({ providers: [adapter], ...fast }).replaceBackground({ image, prompt: 'x' }),
    );
    expect(error).toMatchObject({
      code: 'moderation',
      provider: 'fake',
      field: 'prompt',
      requestId: 'fake-job-1',
    });
    expect(adapter.calls.start).toHaveLength(1);
  });

  it('aborting cancels the provider job and rejects with aborted', async () => {
    const adapter = createFakeAdapter({
      steps: Array.from({ length: 1000 }, () => ({ state: 'running' as const })),
    });
    const controller = new AbortController();
    const promise = createBackdrop({ providers: [adapter], ...fast }).removeBackground({
      image,
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(adapter.calls.status.length).toBeGreaterThan(2));
    controller.abort();
    const error = await rejection(promise);
    expect(error).toMatchObject({ code: 'aborted', requestId: 'fake-job-1' });
    expect(adapter.calls.cancel.map((handle) => handle.id)).toEqual(['fake-job-1']);
  });

  it('aborting while the start request is in flight cancels the job as soon as its id arrives', async () => {
    const adapter = createFakeAdapter({ startDelayMs: 150 });
    const controller = new AbortController();
    const promise = createBackdrop({ providers: [adapter], ...fast }).removeBackground({
      image,
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(adapter.calls.start).toHaveLength(1));
    controller.abort();
    // The caller hears at once; the start is still in flight, so nothing can be cancelled yet.
    expect((await rejection(promise)).code).toBe('aborted');
    expect(adapter.calls.cancel).toHaveLength(0);
    await vi.waitFor(() => expect(adapter.calls.cancel.map((handle) => handle.id)).toEqual(['fake-job-1']));
  });

  it('a timeout cancels the provider job and rejects with timeout', async () => {
    const adapter = createFakeAdapter({
      steps: Array.from({ length: 1000 }, () => ({ state: 'queued' as const, position: 5 })),
    });
    const error = await rejection(
      createBackdrop({ providers: [adapter], ...fast }).removeBackground({ image, timeoutMs: 60 }),
    );
    expect(error).toMatchObject({ code: 'timeout', provider: 'fake' });
    expect(error.message).toContain('60 ms timeout');
    expect(adapter.calls.cancel).toHaveLength(1);
  });

  it('an already aborted signal stops everything before any provider call', async () => {
    const adapter = createFakeAdapter({ uploads: true });
    const controller = new AbortController();
    controller.abort();
    const bytes = await makeSampleImage('png', 8, 8);
    const error = await rejection(
      createBackdrop({ providers: [adapter] }).removeBackground({ image: bytes, signal: controller.signal }),
    );
    expect(error.code).toBe('aborted');
    expect(adapter.calls.upload).toHaveLength(0);
    expect(adapter.calls.start).toHaveLength(0);
  });

  it('rejects bad input before anything is uploaded or sent', async () => {
    const adapter = createFakeAdapter({ uploads: true });
    const jpeg = await makeSampleImage('jpeg', 8, 8);
    const error = await rejection(
      createBackdrop({ providers: [adapter] }).replaceBackground({
        image: new Blob([jpeg as Uint8Array<ArrayBuffer>], { type: 'image/png' }),
        prompt: 'beach',
      }),
    );
    expect(error.code).toBe('invalid_input');
    expect(adapter.calls.upload).toHaveLength(0);
    expect(adapter.calls.start).toHaveLength(0);
  });

  it('retries an upload that failed on the network', async () => {
    const adapter = createFakeAdapter({
      uploads: true,
      synchronous: true,
      failures: { upload: [new BackdropError({ code: 'network', message: 'reset' })] },
    });
    await createBackdrop({ providers: [adapter], ...fast }).removeBackground({
      image: await makeSampleImage('png', 8, 8),
    });
    expect(adapter.calls.upload).toHaveLength(2);
  });

  it('follows a provider stream, and falls back to polling when it ends early or breaks', async () => {
    const streaming = createFakeAdapter({ stream: { updates: [{ state: 'running', logs: ['streamed'] }] } });
    const events: ProgressEvent[] = [];
    await createBackdrop({ providers: [streaming], ...fast }).removeBackground({
      image,
      onProgress: (event) => events.push(event),
    });
    expect(streaming.calls.watch).toHaveLength(1);
    expect(streaming.calls.status).toHaveLength(0);
    expect(events).toContainEqual({
      type: 'running',
      provider: 'fake',
      logs: ['streamed'],
      percent: undefined,
    });

    const endsEarly = createFakeAdapter({ stream: { updates: [{ state: 'running' }], endEarly: true } });
    await createBackdrop({ providers: [endsEarly], ...fast }).removeBackground({ image });
    expect(endsEarly.calls.status.length).toBeGreaterThan(0);

    const breaks = createFakeAdapter({
      stream: { updates: [{ state: 'running' }] },
      failures: { watch: [new BackdropError({ code: 'network', message: 'stream dropped' })] },
    });
    const result = await createBackdrop({ providers: [breaks], ...fast }).removeBackground({ image });
    expect(breaks.calls.status.length).toBeGreaterThan(0);
    expect(result.outputs).toHaveLength(1);
  });

  it('a progress listener that throws does not break the operation', async () => {
    const adapter = createFakeAdapter({ synchronous: true });
    const result = await createBackdrop({ providers: [adapter] }).removeBackground({
      image,
      onProgress: () => {
        throw new Error('listener bug');
      },
    });
    expect(result.outputs).toHaveLength(1);
  });
});

describe('fallback', () => {
  const down = () => new BackdropError({ code: 'provider_error', message: 'HTTP 503', status: 503 });

  it("is off by default: a retryable failure after retries is the caller's error", async () => {
    const first = createFakeAdapter({ provider: 'first', failures: { start: [down(), down(), down()] } });
    const second = createFakeAdapter({ provider: 'second', synchronous: true });
    const error = await rejection(
      createBackdrop({ providers: [first, second], ...fast }).removeBackground({ image }),
    );
    expect(error).toMatchObject({ code: 'provider_error', provider: 'first' });
    expect(first.calls.start).toHaveLength(3);
    expect(second.calls.start).toHaveLength(0);
  });

  it('moves to the next capable provider on a retryable failure when asked', async () => {
    const first = createFakeAdapter({ provider: 'first', failures: { start: [down(), down(), down()] } });
    const second = createFakeAdapter({ provider: 'second', synchronous: true });
    const result = await createBackdrop({
      providers: [first, second],
      ...fast,
      fallback: true,
    }).removeBackground({ image });
    expect(result.provider).toBe('second');
  });

  it.each(['moderation', 'invalid_input', 'auth', 'provider_rejected'] as const)(
    'never falls back from %s',
    async (code) => {
      const first = createFakeAdapter({
        provider: 'first',
        failures: { start: [new BackdropError({ code, message: code })] },
      });
      const second = createFakeAdapter({ provider: 'second', synchronous: true });
      const error = await rejection(
        createBackdrop({ providers: [first, second], ...fast }).removeBackground({ image, fallback: true }),
      );
      expect(error.code).toBe(code);
      expect(second.calls.start).toHaveLength(0);
    },
  );

  it('only falls back to providers that can serve the request', async () => {
    const first = createFakeAdapter({ provider: 'first', failures: { start: [down()] } });
    const incapable = createFakeAdapter({
      provider: 'incapable',
      capabilities: { removeBackground: falLikeCapabilities.removeBackground },
    });
    const error = await rejection(
      createBackdrop({ providers: [first, incapable], ...fast, fallback: true }).replaceBackground({
        image,
        prompt: 'x',
        maxRetries: 0,
      }),
    );
    expect(error.provider).toBe('first');
    expect(incapable.calls.start).toHaveLength(0);
  });
});
