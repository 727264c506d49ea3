import { describe, expect, it } from 'vitest';
import { createPollSchedule, firstPollDelayMs, maxPollDelayMs } from './poll-schedule.js';

const firstDelays = (next: () => number, count: number) => Array.from({ length: count }, next);

describe('createPollSchedule', () => {
  it('starts fast and backs off by a quarter each time up to the ceiling', () => {
    const delays = firstDelays(createPollSchedule(undefined), 30);
    expect(delays.slice(0, 6)).toEqual([20, 25, 31, 39, 49, 61]);
    expect(delays[0]).toBe(firstPollDelayMs);
    for (let index = 1; index < delays.length; index++) {
      expect(delays[index]).toBeGreaterThanOrEqual(delays[index - 1] ?? 0);
    }
    expect(Math.max(...delays)).toBe(maxPollDelayMs);
    expect(delays.slice(-5)).toEqual([500, 500, 500, 500, 500]);
  });

  it('keeps a caller’s interval fixed', () => {
    expect(firstDelays(createPollSchedule(250), 4)).toEqual([250, 250, 250, 250]);
  });

  it('starts again from the fast end for each job', () => {
    const first = createPollSchedule(undefined);
    firstDelays(first, 10);
    expect(createPollSchedule(undefined)()).toBe(firstPollDelayMs);
  });
});
