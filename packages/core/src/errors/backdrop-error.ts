import type { JobHandle } from '../spec/job.js';

/** The closed set of error codes every Backdrop error carries. */
export const backdropErrorCodes = [
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
] as const;

export type BackdropErrorCode = (typeof backdropErrorCodes)[number];

const retryableCodes: ReadonlySet<BackdropErrorCode> = new Set([
  'rate_limited',
  'provider_error',
  'timeout',
  'network',
]);

/** Whether a code may ever be retried; an error of such a code can still opt out (`retryable: false`). */
export function isRetryableCode(code: BackdropErrorCode): boolean {
  return retryableCodes.has(code);
}

export interface BackdropErrorOptions {
  code: BackdropErrorCode;
  message: string;
  /** The provider id (`fal`, `inferencesh`, `local`) the error came from, when one did. */
  provider?: string | undefined;
  /** The normalized field name the error is about (`prompt`, `referenceImage`, ...). */
  field?: string | undefined;
  /** The HTTP status, when the error came from an HTTP answer. */
  status?: number | undefined;
  /** The provider's request or task id. */
  requestId?: string | undefined;
  /** Only meaningful for retryable codes: `false` marks one occurrence as not worth retrying. */
  retryable?: boolean | undefined;
  /** How long the provider asked us to wait before trying again (Retry-After, X-RateLimit-Reset). */
  retryAfterMs?: number | undefined;
  /** Why each provider declined, for `unsupported` and routing-time `invalid_input` errors. */
  declinedBy?: readonly ProviderDeclination[] | undefined;
  /** How many times the failing step was retried before this error was given up on. */
  retries?: number | undefined;
  /**
   * True when the provider surely did not take the request (the connection was refused, or it
   * answered 429 or 503 before processing): resending a job's start then cannot pay twice.
   */
  notProcessed?: boolean | undefined;
  /**
   * The job this error happened to, once the provider accepted it: its result may still be
   * fetched with `resumeJob(handle)` (a failed download, a lost status answer), without a new job.
   */
  handle?: JobHandle | undefined;
  cause?: unknown;
}

/** One provider's reasons for not serving a request. */
export interface ProviderDeclination {
  provider: string;
  reasons: readonly DeclineReason[];
}

export interface DeclineReason {
  /** `invalid_input` when a value is outside the provider's range; `unsupported` when a feature is absent. */
  code: 'invalid_input' | 'unsupported';
  field: string;
  message: string;
  /** The variant (model or endpoint) that declined. */
  model?: string | undefined;
}

// A registry symbol, so the check works across duplicated copies of this package.
const backdropErrorMarker = Symbol.for('backdrop.error');

export class BackdropError extends Error {
  readonly [backdropErrorMarker] = true;
  override readonly name = 'BackdropError';
  readonly code: BackdropErrorCode;
  readonly provider: string | undefined;
  readonly field: string | undefined;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly declinedBy: readonly ProviderDeclination[] | undefined;
  readonly retries: number | undefined;
  readonly notProcessed: boolean;
  readonly handle: JobHandle | undefined;

  constructor(options: BackdropErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.provider = options.provider;
    this.field = options.field;
    this.status = options.status;
    this.requestId = options.requestId;
    this.retryable = isRetryableCode(options.code) && options.retryable !== false;
    this.retryAfterMs = options.retryAfterMs;
    this.declinedBy = options.declinedBy;
    this.retries = options.retries;
    this.notProcessed = options.notProcessed === true;
    this.handle = options.handle;
  }

  /** True for a BackdropError from any copy of this package. */
  static isInstance(value: unknown): value is BackdropError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[backdropErrorMarker] === true
    );
  }

  /** The options this error was made from, less its cause. */
  private fields(): Omit<BackdropErrorOptions, 'cause'> {
    return {
      code: this.code,
      message: this.message,
      provider: this.provider,
      field: this.field,
      status: this.status,
      requestId: this.requestId,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      declinedBy: this.declinedBy,
      retries: this.retries,
      notProcessed: this.notProcessed || undefined,
      handle: this.handle,
    };
  }

  /** A copy with some fields set (a provider, a request id) that keeps the original cause. */
  with(overrides: Partial<Omit<BackdropErrorOptions, 'cause'>>): BackdropError {
    return new BackdropError({ ...this.fields(), ...overrides, cause: this.cause });
  }

  /** What is safe to log or send to a browser: no cause chain, which may hold provider bodies. */
  toJSON(): Record<string, unknown> {
    const { declinedBy: _declinedBy, ...fields } = this.fields();
    return { name: this.name, ...fields };
  }
}

/** Type guard that works across duplicated package copies. */
export function isBackdropError(value: unknown): value is BackdropError {
  return BackdropError.isInstance(value);
}
