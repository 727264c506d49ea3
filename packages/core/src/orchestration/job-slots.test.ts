import { describe, expect, it } from 'vitest';
import { createJobSlots, type ReleaseSlot } from './job-slots.js';

const never = new AbortController().signal;

describe('createJobSlots', () => {
  it('grants up to the limit at once, then one per release, first come first served', async () => {
    const slots = createJobSlots(2);
    const first = await slots.acquire(never);
    await slots.acquire(never);
    const granted: string[] = [];
    const third = slots.acquire(never).then((release) => {
      granted.push('third');
      return release;
    });
    const fourth = slots.acquire(never).then(() => granted.push('fourth'));
    await Promise.resolve();
    expect(granted).toEqual([]);
    first();
    first();
    const release: ReleaseSlot = await third;
    expect(granted).toEqual(['third']);
    release();
    await fourth;
    expect(granted).toEqual(['third', 'fourth']);
  });

  it('rejects a waiting call when its signal aborts, and leaves its place to the next', async () => {
    const slots = createJobSlots(1);
    const held = await slots.acquire(never);
    const controller = new AbortController();
    const aborted = slots.acquire(controller.signal);
    const next = slots.acquire(never);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'aborted' });
    held();
    expect(typeof (await next)).toBe('function');
  });
});
