import { BackdropError, errorFromHttpStatus } from '@backdrop/core/provider';

export interface InferenceShHttpFailure {
  status: number;
  body: unknown;
  headers: Headers;
  action: string;
}

/** What an error body says: v1 `{error: {code, message}}` or v2 problem+json `{type, title, detail}`. */
function readError(body: unknown): { code: string | undefined; message: string | undefined } {
  const record = (body ?? {}) as Record<string, unknown>;
  const v1 = record.error as { code?: unknown; message?: unknown } | undefined;
  if (v1 && typeof v1 === 'object') {
    return {
      code: typeof v1.code === 'string' ? v1.code : undefined,
      message: typeof v1.message === 'string' ? v1.message : undefined,
    };
  }
  const type = typeof record.type === 'string' ? record.type.split('/').at(-1) : undefined;
  const detail =
    typeof record.detail === 'string'
      ? record.detail
      : typeof record.title === 'string'
        ? record.title
        : undefined;
  if (Array.isArray(record.errors)) {
    return {
      code: 'requirements_not_met',
      message: record.errors.map((error) => JSON.stringify(error)).join('; '),
    };
  }
  return { code: type, message: detail };
}

const moderationPattern = /prompt_content_moderation|moderation/i;

/** An `input.<field>: ...` mention in an inference.sh message, as a normalized field name. */
function fieldFromMessage(message: string | undefined): string | undefined {
  const field = /input\.([a-z_]+)/.exec(message ?? '')?.[1];
  const names: Record<string, string> = {
    image: 'image',
    prompt: 'prompt',
    ref_image: 'referenceImage',
    seed: 'seed',
    mode: 'qualityMode',
    video_url: 'video',
  };
  return field ? (names[field] ?? field) : undefined;
}

/**
 * Maps a failed inference.sh answer: 422 from prompt moderation to `moderation`; 400 to
 * `invalid_input`; 401/403 to `auth`; 404/412 and other 4xx to `provider_rejected`; 429 to
 * `rate_limited` with its reset time; 5xx to a retryable `provider_error`.
 */
export function mapInferenceShFailure(failure: InferenceShHttpFailure): BackdropError {
  const { status, headers, action } = failure;
  const { code, message } = readError(failure.body);
  const common = { provider: 'inferencesh', status };
  const said = message ?? code ?? `HTTP ${status}`;
  if (status === 422 && (moderationPattern.test(code ?? '') || moderationPattern.test(message ?? ''))) {
    return new BackdropError({
      ...common,
      code: 'moderation',
      field: 'prompt',
      message:
        "prompt: inference.sh's content moderation refused it; change the prompt (or set moderation: false) and try again",
    });
  }
  const described = {
    provider: 'inferencesh',
    displayName: 'inference.sh',
    status,
    headers,
    action,
    explanation: said,
    keyHint: 'INFERENCE_API_KEY',
  };
  if (status === 400 || status === 422)
    return errorFromHttpStatus(described, { code: 'invalid_input', field: fieldFromMessage(message) });
  if (status === 401 || status === 403)
    return errorFromHttpStatus(described, {
      message: `inference.sh refused the API key while ${action} (HTTP ${status}: ${said}); check INFERENCE_API_KEY`,
    });
  // inference.sh's 4xx other than these are refusals of the request (404 and 412 included).
  if (status < 500 && status !== 429) return errorFromHttpStatus(described, { code: 'provider_rejected' });
  return errorFromHttpStatus(described);
}

/** A task that ended in failure: a Bria 422 with prompt moderation is `moderation`, anything else final. */
export function mapFailedTask(error: string, taskId: string): BackdropError {
  if (/422/.test(error) && moderationPattern.test(error)) {
    return new BackdropError({
      code: 'moderation',
      provider: 'inferencesh',
      field: 'prompt',
      requestId: taskId,
      message:
        "prompt: inference.sh's content moderation refused it; change the prompt (or set moderation: false) and try again",
    });
  }
  return new BackdropError({
    code: 'provider_error',
    provider: 'inferencesh',
    retryable: false,
    requestId: taskId,
    message: `the inference.sh task failed: ${error || 'no reason given'}`,
  });
}
