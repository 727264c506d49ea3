import { BackdropError, errorFromHttpStatus } from '@backdrop/core/provider';
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
  const errorType =
    headers.get('x-fal-error-type') ?? (body as { error_type?: unknown } | undefined)?.error_type;
  const described = {
    provider: 'fal',
    displayName: 'fal',
    status,
    headers,
    action,
    requestId,
    explanation,
    keyHint: "FAL_KEY or the proxy's key",
  };
  // A cancelled request's result answers 499 `client_cancelled`, or a 4xx whose detail says
  // "Request was cancelled": checked before the 400 below, or a cancel would read as a refusal.
  const cancelled =
    status === 499 ||
    errorType === 'client_cancelled' ||
    (status >= 400 && status < 500 && /\bcancell?ed\b/i.test(explanation));
  if (cancelled) return errorFromHttpStatus(described, { code: 'aborted' });
  // fal answers 400 for queue states (a result still in progress, a cancel after completion).
  if (status === 400) return errorFromHttpStatus(described, { code: 'provider_rejected' });
  if (status >= 500) {
    const userTimeout = status === 504 && headers.get('x-fal-request-timeout-type') === 'user';
    return errorFromHttpStatus(described, {
      code: userTimeout ? 'timeout' : 'provider_error',
      retryable: !userTimeout && headers.get('x-fal-retryable') !== 'false',
      message: `fal failed while ${action} (HTTP ${status}${typeof errorType === 'string' ? `, ${errorType}` : ''}): ${explanation}`,
    });
  }
  return errorFromHttpStatus(described);
}
