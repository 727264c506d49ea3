import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFalConnectionKeys } from './fal-realtime-connection-keys.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('the connection keys given to fal.realtime.connect', () => {
  it('reuses a key at once when its socket is known closed, so sessions in a row add no cache entry', () => {
    const keys = createFalConnectionKeys();
    const app = 'bria/video/background-removal';
    for (let session = 0; session < 20; session++) {
      const key = keys.acquire(app);
      keys.release(key, app, session % 2 === 0);
      keys.settled(key);
    }
    expect(keys.created).toBe(1);
  });

  it('keeps a key whose socket may still be closing out of use until its quarantine ends', () => {
    vi.useFakeTimers();
    const keys = createFalConnectionKeys(60_000);
    const first = keys.acquire('app');
    keys.release(first, 'app', false);
    const second = keys.acquire('app');
    expect(second).not.toBe(first);
    expect(keys.acquire('another/app')).not.toBe(first);
    vi.advanceTimersByTime(60_000);
    expect(keys.acquire('app')).toBe(first);
    expect(keys.created).toBe(3);
  });

  it('never hands out a key that is in use', () => {
    const keys = createFalConnectionKeys();
    const inUse = new Set([keys.acquire('app'), keys.acquire('app'), keys.acquire('app')]);
    expect(inUse.size).toBe(3);
  });
});
