import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackdropError, createBackdrop, type JobUpdate } from '../src/index.js';
import { createFakeAdapter } from './support/fake-adapter.js';
import { rejection } from './support/rejection.js';

const image = new Uint8Array(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'base64',
  ),
);
const running: JobUpdate = { state: 'running' };

afterEach(() => {
  vi.useRealTimers();
});

describe('maxConcurrentJobs', () => {
  it('uploads every call at once but starts a job only when one of the limit has ended', async () => {
    vi.useFakeTimers();
    // Each job answers two polls "running", then ends: polls 100 ms apart.
    const adapter = createFakeAdapter({ uploads: true, steps: [running, running] });
    const backdrop = createBackdrop({ providers: [adapter], maxConcurrentJobs: 2, pollIntervalMs: 100 });
    const calls = Array.from({ length: 4 }, () => backdrop.removeBackground({ image }));
    await vi.advanceTimersByTimeAsync(0);
    expect(adapter.calls.upload).toHaveLength(4);
    expect(adapter.calls.start).toHaveLength(2);
    // The first two jobs end at their third poll (300 ms); the waiting two start at once.
    await vi.advanceTimersByTimeAsync(299);
    expect(adapter.calls.start).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(adapter.calls.start).toHaveLength(4);
    await vi.runAllTimersAsync();
    expect((await Promise.all(calls)).every((result) => result.outputs.length === 1)).toBe(true);
  });

  it('frees the slot of a job that failed, and of a call aborted while it waited', async () => {
    const adapter = createFakeAdapter({
      failures: { start: [new BackdropError({ code: 'invalid_input', message: 'image: refused' })] },
    });
    const backdrop = createBackdrop({ providers: [adapter], maxConcurrentJobs: 1, pollIntervalMs: 5 });
    expect((await rejection(backdrop.removeBackground({ image }))).code).toBe('invalid_input');
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(backdrop.removeBackground({ image, signal: controller.signal }))).code).toBe(
      'aborted',
    );
    expect((await backdrop.removeBackground({ image })).outputs).toHaveLength(1);
  });

  it('is refused when it is not a whole number from 1, naming the field', () => {
    for (const maxConcurrentJobs of [0, 1.5, -1]) {
      let error: unknown;
      try {
        createBackdrop({ providers: [createFakeAdapter()], maxConcurrentJobs });
      } catch (thrown) {
        error = thrown;
      }
      expect(BackdropError.isInstance(error) && error.field).toBe('maxConcurrentJobs');
    }
  });
});
