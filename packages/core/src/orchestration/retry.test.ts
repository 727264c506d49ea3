import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BackdropError, type BackdropErrorCode, backdropErrorCodes } from '../errors/backdrop-error.js';
import { defaultRetryOptions, type RetryOptions, retryDelay, withRetries } from './retry.js';

const noJitter: RetryOptions = { ...defaultRetryOptions, random: () => 0.5 };

function failing(errors: BackdropError[], value = 'ok') {
  const attempts: number[] = [];
  const attempt = async (index: number) => {
    attempts.push(Date.now());
    const error = errors[index];
    if (error) throw error;
    return value;
  };
  return { attempt, attempts };
}

const serverError = () => new BackdropError({ code: 'provider_error', message: '503', status: 503 });

describe('retryDelay', () => {
  it('grows exponentially up to the maximum', () => {
    const options = { ...noJitter, initialDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4, 5].map((index) => retryDelay(serverError(), index, options))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('adds jitter within the configured share', () => {
    const low = retryDelay(serverError(), 0, { ...defaultRetryOptions, random: () => 0 });
    const high = retryDelay(serverError(), 0, { ...defaultRetryOptions, random: () => 0.999999 });
    expect(low).toBe(375);
    expect(high).toBe(625);
  });

  it('uses Retry-After when the provider gives one, and gives up past the cap', () => {
    const limited = new BackdropError({ code: 'rate_limited', message: '429', retryAfterMs: 7000 });
    expect(retryDelay(limited, 0, noJitter)).toBe(7000);
    const tooLong = new BackdropError({ code: 'rate_limited', message: '429', retryAfterMs: 120_000 });
    expect(retryDelay(tooLong, 0, noJitter)).toBeUndefined();
  });
});

describe('withRetries', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries retryable errors with backoff and returns the success', async () => {
    const { attempt, attempts } = failing([serverError(), serverError()]);
    const promise = withRetries(
      attempt,
      { ...noJitter, maxRetries: 2 },
      { signal: new AbortController().signal },
    );
    await vi.runAllTimersAsync();
    await expect(promise).resolves.toBe('ok');
    expect(attempts).toHaveLength(3);
    expect((attempts[1] ?? 0) - (attempts[0] ?? 0)).toBe(500);
    expect((attempts[2] ?? 0) - (attempts[1] ?? 0)).toBe(1000);
  });

  it('waits exactly the Retry-After the provider asked for', async () => {
    const limited = new BackdropError({ code: 'rate_limited', message: '429', retryAfterMs: 3000 });
    const { attempt, attempts } = failing([limited]);
    const promise = withRetries(attempt, noJitter, { signal: new AbortController().signal });
    await vi.runAllTimersAsync();
    await promise;
    expect((attempts[1] ?? 0) - (attempts[0] ?? 0)).toBe(3000);
  });

  it('stops after maxRetries and throws the last error', async () => {
    const { attempt, attempts } = failing([serverError(), serverError(), serverError(), serverError()]);
    const promise = withRetries(
      attempt,
      { ...noJitter, maxRetries: 2 },
      { signal: new AbortController().signal },
    );
    const assertion = expect(promise).rejects.toMatchObject({ code: 'provider_error', retries: 2 });
    await vi.runAllTimersAsync();
    await assertion;
    expect(attempts).toHaveLength(3);
  });

  it('says how many retries came before the error, and none when it was not retried', async () => {
    const { attempt } = failing([new BackdropError({ code: 'auth', message: 'bad key' })]);
    const error = await withRetries(attempt, noJitter, { signal: new AbortController().signal }).catch(
      (thrown: BackdropError) => thrown,
    );
    expect(error).toMatchObject({ code: 'auth', retries: undefined });
  });

  const neverRetried = backdropErrorCodes.filter(
    (code) => !['rate_limited', 'provider_error', 'timeout', 'network'].includes(code),
  ) as BackdropErrorCode[];
  it.each(neverRetried)('never retries %s', async (code) => {
    const { attempt, attempts } = failing([new BackdropError({ code, message: code })]);
    await expect(
      withRetries(attempt, noJitter, { signal: new AbortController().signal }),
    ).rejects.toMatchObject({ code });
    expect(attempts).toHaveLength(1);
  });

  it('does not retry an error marked not retryable', async () => {
    const { attempt, attempts } = failing([
      new BackdropError({ code: 'provider_error', message: 'x', retryable: false }),
    ]);
    await expect(withRetries(attempt, noJitter, { signal: new AbortController().signal })).rejects.toThrow(
      'x',
    );
    expect(attempts).toHaveLength(1);
  });

  it('does not start a wait that would run past the deadline', async () => {
    const limited = new BackdropError({ code: 'rate_limited', message: 'later', retryAfterMs: 5000 });
    const { attempt, attempts } = failing([limited]);
    const promise = withRetries(attempt, noJitter, {
      signal: new AbortController().signal,
      deadline: Date.now() + 1000,
    });
    await expect(promise).rejects.toThrow('later');
    expect(attempts).toHaveLength(1);
  });

  it('stops waiting as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const { attempt, attempts } = failing([serverError(), serverError()]);
    const promise = withRetries(attempt, noJitter, { signal: controller.signal });
    const assertion = expect(promise).rejects.toMatchObject({ code: 'aborted' });
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    await assertion;
    expect(attempts).toHaveLength(1);
  });

  it('retries transport failures as network errors', async () => {
    let calls = 0;
    const promise = withRetries(
      async () => {
        calls++;
        if (calls === 1) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
        return 'recovered';
      },
      noJitter,
      { signal: new AbortController().signal },
    );
    await vi.runAllTimersAsync();
    await expect(promise).resolves.toBe('recovered');
  });
});
