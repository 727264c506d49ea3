import { BackdropError, type BackdropErrorCode } from '../errors/backdrop-error.js';
import { parseRetryAfter } from './retry-after.js';

export interface HttpFailure {
  /** The provider id, for the error. */
  provider: string;
  /** The provider's name in messages (`fal`, `inference.sh`). */
  displayName: string;
  status: number;
  headers: Headers;
  /** What was being done: `POST queue.fal.run/fal-ai/bria/background/remove`. */
  action: string;
  /** What the body said, or `HTTP <status>`. */
  explanation: string;
  requestId?: string | undefined;
  /** Where the key comes from, for auth messages: `FAL_KEY`. */
  keyHint?: string | undefined;
}

/** What an HTTP status means, before any provider-specific reading of the body. */
export function codeForHttpStatus(status: number): BackdropErrorCode {
  if (status === 400 || status === 422) return 'invalid_input';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate_limited';
  if (status === 499) return 'aborted';
  if (status >= 500) return 'provider_error';
  return 'provider_rejected';
}

/**
 * 429 and 503 are answers a service gives before it does any work (RFC 9110 §15.5.30,
 * §15.6.4): a start that got one was not taken, so sending it again cannot pay twice.
 */
export function isNotProcessedStatus(status: number): boolean {
  return status === 429 || status === 503;
}

/**
 * The one mapping from a failed HTTP answer to a BackdropError that every adapter uses: the
 * code from the status, Retry-After (seconds or HTTP-date), whether the request surely was not
 * processed, and a message naming the provider, the action and what the body said. Adapters
 * read their own bodies first (field names, moderation) and pass overrides.
 */
export function errorFromHttpStatus(
  failure: HttpFailure,
  overrides: Partial<ConstructorParameters<typeof BackdropError>[0]> = {},
): BackdropError {
  const { provider, displayName, status, action, explanation } = failure;
  const code = overrides.code ?? codeForHttpStatus(status);
  const messages: Record<BackdropErrorCode, string> = {
    invalid_input: `${displayName} rejected the input while ${action}: ${explanation}`,
    auth: `${displayName} refused the credentials while ${action} (HTTP ${status}: ${explanation})${failure.keyHint ? `; check ${failure.keyHint}` : ''}`,
    rate_limited: `${displayName} is rate limiting requests (HTTP 429) while ${action}`,
    aborted: `the ${displayName} request was cancelled (${action})`,
    timeout: `${displayName} timed out while ${action} (HTTP ${status}): ${explanation}`,
    provider_error: `${displayName} failed while ${action} (HTTP ${status}): ${explanation}`,
    provider_rejected: `${displayName} rejected the request while ${action} (HTTP ${status}): ${explanation}`,
    moderation: `${displayName}'s content checker refused the request while ${action}: ${explanation}`,
    unsupported: `${displayName} does not support this (${action}, HTTP ${status}): ${explanation}`,
    network: `could not reach ${displayName} while ${action}`,
  };
  return new BackdropError({
    code,
    provider,
    status,
    requestId: failure.requestId,
    retryAfterMs: parseRetryAfter(failure.headers),
    notProcessed: isNotProcessedStatus(status),
    message: messages[code],
    ...overrides,
  });
}
