import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackdropError, createBackdrop, type JobUpdate } from '../src/index.js';
import { createFakeAdapter } from './support/fake-adapter.js';

const image =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const running: JobUpdate = { state: 'running' };

afterEach(() => {
  vi.useRealTimers();
});

/** How many status calls the job had after each clock reading (fake time, so nothing is timed). */
async function statusCallsAt(
  readings: number[],
  options: { pollIntervalMs?: number; callPollIntervalMs?: number } = {},
): Promise<number[]> {
  vi.useFakeTimers();
  const adapter = createFakeAdapter({ steps: Array.from({ length: 40 }, () => running) });
  const backdrop = createBackdrop({ providers: [adapter], pollIntervalMs: options.pollIntervalMs });
  const job = await backdrop.startRemoveBackground({ image });
  const waiting = job.wait({ pollIntervalMs: options.callPollIntervalMs });
  const counts: number[] = [];
  let now = 0;
  for (const reading of readings) {
    await vi.advanceTimersByTimeAsync(reading - now);
    now = reading;
    counts.push(adapter.calls.status.length);
  }
  await vi.runAllTimersAsync();
  await waiting;
  return counts;
}

describe('polling a job without a stream', () => {
  it('starts at 20 ms and backs off (20, 25, 31, 39 ms apart)', async () => {
    // Polls fall at 20, 45, 76 and 115 ms.
    expect(await statusCallsAt([19, 20, 44, 45, 75, 76, 114, 115])).toEqual([0, 1, 1, 2, 2, 3, 3, 4]);
  });

  it('keeps the interval given to createBackdrop', async () => {
    expect(await statusCallsAt([99, 100, 199, 200, 300], { pollIntervalMs: 100 })).toEqual([0, 1, 1, 2, 3]);
  });

  it('lets one wait set its own interval', async () => {
    expect(await statusCallsAt([249, 250, 500], { pollIntervalMs: 100, callPollIntervalMs: 250 })).toEqual([
      0, 1, 2,
    ]);
  });

  it('refuses a poll interval that is not a positive number, naming the field', () => {
    for (const pollIntervalMs of [0, -5, Number.NaN]) {
      let error: unknown;
      try {
        createBackdrop({ providers: [createFakeAdapter()], pollIntervalMs });
      } catch (thrown) {
        error = thrown;
      }
      expect(BackdropError.isInstance(error) && error.field).toBe('pollIntervalMs');
    }
  });

  it('polls from the fast end again after a stream ends early', async () => {
    vi.useFakeTimers();
    const adapter = createFakeAdapter({
      steps: [running, running],
      stream: { updates: [running], endEarly: true },
    });
    const backdrop = createBackdrop({ providers: [adapter] });
    const result = backdrop.removeBackground({ image });
    await vi.advanceTimersByTimeAsync(20);
    expect(adapter.calls.watch).toHaveLength(1);
    expect(adapter.calls.status).toHaveLength(1);
    await vi.runAllTimersAsync();
    expect((await result).outputs).toHaveLength(1);
    expect(adapter.calls.start).toHaveLength(1);
  });
});
