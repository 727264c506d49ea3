import { describe, expect, it, vi } from 'vitest';
import { BackdropError, backdropErrorCodes, isBackdropError, isRetryableCode } from './backdrop-error.js';
import { toBackdropError } from './normalize-error.js';
import { redactSecrets } from './redact-secrets.js';

describe('BackdropError', () => {
  it('has exactly the closed set of codes from the design', () => {
    expect([...backdropErrorCodes].sort()).toEqual(
      [
        'invalid_input',
        'unsupported',
        'moderation',
        'provider_rejected',
        'auth',
        'rate_limited',
        'provider_error',
        'timeout',
        'network',
        'aborted',
      ].sort(),
    );
  });

  it('is retryable only for rate_limited, provider_error, timeout and network', () => {
    const retryable = backdropErrorCodes.filter(
      (code) => new BackdropError({ code, message: 'x' }).retryable,
    );
    expect(retryable.sort()).toEqual(['network', 'provider_error', 'rate_limited', 'timeout']);
    expect(backdropErrorCodes.filter(isRetryableCode).sort()).toEqual(retryable.sort());
  });

  it('lets one occurrence of a retryable code opt out, but never makes other codes retryable', () => {
    expect(new BackdropError({ code: 'provider_error', message: 'x', retryable: false }).retryable).toBe(
      false,
    );
    expect(new BackdropError({ code: 'moderation', message: 'x', retryable: true }).retryable).toBe(false);
    expect(new BackdropError({ code: 'invalid_input', message: 'x', retryable: true }).retryable).toBe(false);
  });

  it('carries provider, field, status, request id and cause', () => {
    const cause = new Error('root');
    const error = new BackdropError({
      code: 'rate_limited',
      message: 'slow down',
      provider: 'fal',
      field: 'prompt',
      status: 429,
      requestId: 'req-1',
      retryAfterMs: 2000,
      cause,
    });
    expect(error).toMatchObject({
      code: 'rate_limited',
      provider: 'fal',
      field: 'prompt',
      status: 429,
      requestId: 'req-1',
      retryAfterMs: 2000,
    });
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('BackdropError');
  });

  it('is recognised across duplicated copies of the package, where instanceof fails', async () => {
    vi.resetModules();
    // A query string makes the module loader evaluate a second, separate copy of the module.
    const specifier = './backdrop-error.js?duplicate-copy';
    const copy = (await import(/* @vite-ignore */ specifier)) as typeof import('./backdrop-error.js');
    const foreign = new copy.BackdropError({ code: 'auth', message: 'bad key' });
    expect(foreign instanceof BackdropError).toBe(false);
    expect(isBackdropError(foreign)).toBe(true);
    expect(BackdropError.isInstance(foreign)).toBe(true);
    expect(isBackdropError(new Error('plain'))).toBe(false);
    expect(isBackdropError({ code: 'auth', message: 'look-alike' })).toBe(false);
    expect(isBackdropError(null)).toBe(false);
  });

  it('serialises without its cause chain, which may hold provider bodies', () => {
    const error = new BackdropError({
      code: 'auth',
      message: 'the key was refused',
      cause: { body: 'Key secret-123' },
    });
    const json = JSON.stringify(error);
    expect(json).toContain('the key was refused');
    expect(json).not.toContain('secret-123');
  });
});

describe('toBackdropError', () => {
  it('maps transport failures to retryable network errors', () => {
    const error = toBackdropError(new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }), 'fal');
    expect(error).toMatchObject({ code: 'network', provider: 'fal', retryable: true });
    expect(toBackdropError(Object.assign(new Error('socket'), { code: 'UND_ERR_SOCKET' })).code).toBe(
      'network',
    );
  });

  it('maps aborts and timeouts', () => {
    expect(toBackdropError(new DOMException('stop', 'AbortError')).code).toBe('aborted');
    expect(toBackdropError(new DOMException('late', 'TimeoutError')).code).toBe('timeout');
  });

  it('treats anything unknown as a provider_error that is not retried', () => {
    const error = toBackdropError(new Error('boom'), 'fal');
    expect(error).toMatchObject({ code: 'provider_error', retryable: false });
    expect(error.message).toContain('boom');
  });

  it('keeps a BackdropError and fills in a missing provider', () => {
    const original = new BackdropError({ code: 'moderation', message: 'refused' });
    expect(toBackdropError(original, 'inferencesh')).toMatchObject({
      code: 'moderation',
      provider: 'inferencesh',
    });
  });
});

describe('redactSecrets', () => {
  it('removes every occurrence of each secret', () => {
    expect(redactSecrets('Key abcd-1234 then abcd-1234', ['abcd-1234'])).toBe(
      'Key [redacted] then [redacted]',
    );
    expect(redactSecrets('nothing here', [undefined, ''])).toBe('nothing here');
  });
});
