import { BackdropError } from '@backdrop/core';
import { normalizedFieldName } from './fal-field-names.js';

interface FalErrorItem {
  loc?: (string | number)[];
  msg?: string;
  type?: string;
}

export interface FalHttpFailure {
  status: number;
  body: unknown;
  headers: Headers;
  /** What was being done, for the message: `submitting to fal-ai/bria/background/remove`. */
  action: string;
}

/** Retry-After as seconds or an HTTP date, in milliseconds. */
function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function detailItems(body: unknown): FalErrorItem[] {
  const detail = (body as { detail?: unknown } | undefined)?.detail;
  if (Array.isArray(detail)) return detail as FalErrorItem[];
  if (typeof detail === 'string') return [{ loc: ['body'], msg: detail, type: 'value_error' }];
  return [];
}

function describe(body: unknown, fallback: string): string {
  const items = detailItems(body);
  if (items.length > 0) return items.map((item) => item.msg ?? item.type ?? 'error').join('; ');
  const record = body as { message?: unknown; status?: unknown } | undefined;
  // Queue answers such as a cancel's { status: "ALREADY_COMPLETED" } carry their meaning in status.
  if (typeof record?.message === 'string') return record.message;
  return typeof record?.status === 'string' ? record.status : fallback;
}

/**
 * Maps a failed fal answer to a BackdropError: 422 to `invalid_input` with the field's normalized
 * name (or `moderation` for a content policy violation), 401/403 to `auth`, 429 to `rate_limited`
 * with Retry-After, 5xx to a retryable `provider_error` unless fal says X-Fal-Retryable: false.
 */
export function mapFalHttpFailure(failure: FalHttpFailure): BackdropError {
  const { status, body, headers, action } = failure;
  const requestId = headers.get('x-fal-request-id') ?? undefined;
  const common = { provider: 'fal', status, requestId };
  const explanation = describe(body, `HTTP ${status}`);
  if (status === 422) {
    const items = detailItems(body);
    const flagged = items.find((item) => item.type === 'content_policy_violation');
    if (flagged) {
      const field = normalizedFieldName(flagged.loc) ?? 'prompt';
      return new BackdropError({
        ...common,
        code: 'moderation',
        field,
        message: `${field}: fal's content checker refused it (content_policy_violation); change the ${field} and try again`,
      });
    }
    const first = items[0];
    const field = normalizedFieldName(first?.loc);
    const reasons = items
      .map(
        (item) =>
          `${normalizedFieldName(item.loc) ?? 'request'}: ${item.msg ?? 'invalid'}${item.type ? ` (${item.type})` : ''}`,
      )
      .join('; ');
    return new BackdropError({
      ...common,
      code: 'invalid_input',
      field,
      message: `fal rejected the input while ${action}: ${reasons || explanation}`,
    });
  }
  if (status === 401 || status === 403) {
    return new BackdropError({
      ...common,
      code: 'auth',
      message: `fal refused the credentials while ${action} (HTTP ${status}: ${explanation}); check FAL_KEY or the proxy's key`,
    });
  }
  if (status === 429) {
    return new BackdropError({
      ...common,
      code: 'rate_limited',
      retryAfterMs: parseRetryAfter(headers.get('retry-after')),
      message: `fal is rate limiting requests (HTTP 429) while ${action}`,
    });
  }
  const errorType =
    headers.get('x-fal-error-type') ?? (body as { error_type?: unknown } | undefined)?.error_type;
  if (status === 499 || errorType === 'client_cancelled') {
    return new BackdropError({
      ...common,
      code: 'aborted',
      message: `the fal request was cancelled (${action})`,
    });
  }
  if (status >= 500) {
    const userTimeout = status === 504 && headers.get('x-fal-request-timeout-type') === 'user';
    return new BackdropError({
      ...common,
      code: userTimeout ? 'timeout' : 'provider_error',
      retryable: !userTimeout && headers.get('x-fal-retryable') !== 'false',
      retryAfterMs: parseRetryAfter(headers.get('retry-after')),
      message: `fal failed while ${action} (HTTP ${status}${typeof errorType === 'string' ? `, ${errorType}` : ''}): ${explanation}`,
    });
  }
  return new BackdropError({
    ...common,
    code: 'provider_rejected',
    message: `fal rejected the request while ${action} (HTTP ${status}): ${explanation}`,
  });
}
