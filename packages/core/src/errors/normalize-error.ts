import { BackdropError } from './backdrop-error.js';

const transportErrorCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/** Transport failures that happen before a request leaves: the provider cannot have taken it. */
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

function findTransportCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (transportErrorCodes.has(code) || code.startsWith('UND_ERR_')))
      return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Turns anything thrown into a BackdropError. Transport failures (undici codes, "fetch failed")
 * become retryable `network` errors; aborts become `aborted` or `timeout`; anything else is an
 * unexpected `provider_error` that is not retried, since nothing says trying again would help.
 */
export function toBackdropError(error: unknown, provider?: string): BackdropError {
  if (BackdropError.isInstance(error)) {
    return provider && !error.provider ? error.with({ provider }) : error;
  }
  const name = (error as { name?: unknown } | undefined)?.name;
  if (name === 'TimeoutError') {
    return new BackdropError({ code: 'timeout', provider, message: 'the request timed out', cause: error });
  }
  if (name === 'AbortError') {
    return new BackdropError({ code: 'aborted', provider, message: 'the call was aborted', cause: error });
  }
  const transportCode = findTransportCode(error);
  if (
    transportCode ||
    (error instanceof TypeError && /fetch failed|network|failed to fetch|load failed/i.test(error.message))
  ) {
    return new BackdropError({
      code: 'network',
      provider,
      message: `could not reach ${provider ?? 'the provider'}${transportCode ? ` (${transportCode})` : ''}`,
      notProcessed: transportCode !== undefined && notSentCodes.has(transportCode),
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new BackdropError({
    code: 'provider_error',
    provider,
    retryable: false,
    message: `unexpected failure${provider ? ` in ${provider}` : ''}: ${message}`,
    cause: error,
  });
}
