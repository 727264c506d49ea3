import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFalRealtimeTokens } from './fal-realtime-tokens.js';

afterEach(() => {
  vi.useRealTimers();
});

function jwt(payload: Record<string, unknown>): string {
  const part = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, '');
  return `${part({ alg: 'HS256' })}.${part(payload)}.signature`;
}

describe('live session tokens', () => {
  it('keeps a token until the last tenth of its JWT lifetime, then fetches another before using it', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const minted: string[] = [];
    const tokens = createFalRealtimeTokens(async () => {
      const now = Math.floor(Date.now() / 1000);
      minted.push(jwt({ iat: now, exp: now + 100, n: minted.length }));
      return minted.at(-1) ?? '';
    }, undefined);
    const first = await tokens.fresh('app');
    vi.advanceTimersByTime(89_000);
    expect(await tokens.fresh('app')).toBe(first);
    vi.advanceTimersByTime(2_000);
    expect(await tokens.fresh('app')).not.toBe(first);
    expect(minted).toHaveLength(2);
  });

  it('uses the configured lifetime for tokens that are not JWTs, and forgets a refused token', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    let count = 0;
    const tokens = createFalRealtimeTokens(async () => `opaque-${++count}`, 10);
    expect(await tokens.fresh('app')).toBe('opaque-1');
    vi.advanceTimersByTime(8_900);
    expect(await tokens.fresh('app')).toBe('opaque-1');
    vi.advanceTimersByTime(200);
    expect(await tokens.fresh('app')).toBe('opaque-2');
    tokens.refused();
    expect(await tokens.fresh('app')).toBe('opaque-3');
  });

  it('fetches once for concurrent callers, and names a failing provider as an auth error', async () => {
    let calls = 0;
    const tokens = createFalRealtimeTokens(async () => {
      calls++;
      return 'shared';
    }, undefined);
    expect(await Promise.all([tokens.fresh('app'), tokens.fresh('app')])).toEqual(['shared', 'shared']);
    expect(calls).toBe(1);
    const failing = createFalRealtimeTokens(
      async () => Promise.reject(new Error('token server down')),
      undefined,
    );
    const error = await failing.fresh('app').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'auth', provider: 'fal' });
    expect((error as Error).message).toContain('the fal realtime token provider failed: token server down');
  });
});
