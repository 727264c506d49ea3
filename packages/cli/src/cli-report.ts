import { type BackdropError, type BackdropErrorCode, isBackdropError, toBackdropError } from '@backdrop/core';
import { UsageError } from './cli-arguments.js';

export const exitCodes = { done: 0, partial: 1, usage: 2, refused: 3, failed: 4, interrupted: 130 } as const;

/**
 * A job the provider accepted (and charges for) whose result could not be downloaded or written.
 * Its handle is saved in `handleFile`, for `backdrop resume` to finish without a new job.
 */
export class KeptJobError extends Error {
  constructor(
    readonly error: BackdropError,
    readonly handleFile: string | undefined,
    readonly failedStep: 'downloaded' | 'written',
  ) {
    super(error.message, { cause: error });
  }
}

function asBackdropError(error: unknown): BackdropError {
  if (error instanceof KeptJobError) return error.error;
  return isBackdropError(error) ? error : toBackdropError(error);
}

/** Whether a failure happened before anything was sent (a usage or input mistake caught locally). */
export function wasSent(error: unknown): boolean {
  if (error instanceof UsageError) return false;
  const backdropError = asBackdropError(error);
  if (backdropError.handle || backdropError.requestId) return true;
  return !(['invalid_input', 'unsupported', 'auth'] as const).some(
    (code) => backdropError.code === code && backdropError.status === undefined,
  );
}

/** The exit code an error ends the command with. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return exitCodes.usage;
  if (error instanceof KeptJobError) return exitCodes.failed;
  const backdropError = asBackdropError(error);
  switch (backdropError.code) {
    case 'aborted':
      return exitCodes.interrupted;
    case 'moderation':
    case 'provider_rejected':
      return exitCodes.refused;
    case 'invalid_input':
      // Refused by the provider after it was sent (422 and the like), or caught before sending.
      return backdropError.status === undefined ? exitCodes.usage : exitCodes.refused;
    case 'unsupported':
      return exitCodes.usage;
    case 'auth':
      return backdropError.status === undefined ? exitCodes.usage : exitCodes.failed;
    default:
      return exitCodes.failed;
  }
}

const fixes: Partial<Record<BackdropErrorCode, string>> = {
  auth: 'check the key (FAL_KEY, INFERENCE_API_KEY)',
  rate_limited: 'wait a moment and run it again',
  network: 'check the connection and run it again',
  timeout: 'run it again, or try another --provider',
  provider_error: 'run it again, or try another --provider',
  moderation: 'change the prompt or the image',
};

/** What to tell a user whose paid job's result is kept in a handle file. */
function describeKeptJob(kept: KeptJobError): string {
  const { error } = kept;
  const job = `The ${error.provider ?? error.handle?.provider} job ${error.handle?.id ?? error.requestId}`;
  const reason = error.message.replace(/\.$/, '');
  if (!kept.handleFile)
    return `${job} was paid for, but its result could not be ${kept.failedStep} (${reason}), and its handle could not be saved either: its request id is ${error.requestId}.`;
  return `${job} was paid for, but its result could not be ${kept.failedStep}: ${reason}. Its handle is saved in ${kept.handleFile}: run "backdrop resume ${kept.handleFile}" to fetch and write the result without a new job (and without paying again).`;
}

/** The error as one readable sentence, with what to do about it. */
export function describeError(error: unknown): string {
  if (error instanceof UsageError)
    return `${error.message}. Run "backdrop help${error.command ? ` ${error.command}` : ''}".`;
  if (error instanceof KeptJobError) return describeKeptJob(error);
  const backdropError = asBackdropError(error);
  const who = backdropError.provider ? `${backdropError.provider}: ` : '';
  // After a start whose answer was lost, "run it again" could pay twice: the message says what to do.
  const fix = backdropError.message.includes('was not resent') ? undefined : fixes[backdropError.code];
  const sentence = `${who}${backdropError.message}`.replace(/\.$/, '');
  return fix ? `${sentence}. To fix: ${fix}.` : `${sentence}.`;
}

export interface ErrorJson {
  error: {
    code: string;
    message: string;
    provider: string | null;
    field: string | null;
    requestId?: string;
    handleFile?: string;
  };
}

/** The `--json` failure object. */
export function errorJson(error: unknown): ErrorJson {
  if (error instanceof UsageError)
    return { error: { code: 'invalid_input', message: error.message, provider: null, field: null } };
  const backdropError = asBackdropError(error);
  return {
    error: {
      code: backdropError.code,
      message: error instanceof KeptJobError ? describeKeptJob(error) : backdropError.message,
      provider: backdropError.provider ?? null,
      field: backdropError.field ?? null,
      ...(backdropError.requestId ? { requestId: backdropError.requestId } : {}),
      ...(error instanceof KeptJobError && error.handleFile ? { handleFile: error.handleFile } : {}),
    },
  };
}
