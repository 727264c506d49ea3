import { BackdropError } from '../errors/backdrop-error.js';
import { isNotProcessedStatus } from '../provider/http-status-error.js';

/**
 * Whether a failed start may be sent again. Only when the provider surely did not take it
 * (connection refused, 429, 503 before processing), or when the caller chose resending: a start
 * whose answer was lost after it was sent (a reset, a cut body, a timeout, a 500) may have
 * created a paid job, and a second one would be paid again with its twin never cancelled.
 */
export function startRetryPolicy(
  resendUnconfirmedStart: boolean,
): (error: BackdropError) => true | BackdropError {
  return (error) => {
    const surelyNotTaken =
      error.notProcessed ||
      error.code === 'rate_limited' ||
      (error.status !== undefined && isNotProcessedStatus(error.status));
    if (surelyNotTaken || resendUnconfirmedStart) return true;
    return new BackdropError({
      code: 'provider_error',
      provider: error.provider,
      status: error.status,
      requestId: error.requestId,
      retryable: false,
      message: `the request that starts the job was sent but its answer was lost (${error.message}); the job may have started and may be charged, so it was not resent to avoid paying twice. Check the provider's dashboard, or set resendUnconfirmedStart to resend in such cases`,
      cause: error,
    });
  };
}
