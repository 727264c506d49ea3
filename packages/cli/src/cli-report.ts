import { type BackdropError, type BackdropErrorCode, isBackdropError, toBackdropError } from '@backdrop/core';
import { UsageError } from './cli-arguments.js';

export const exitCodes = { done: 0, usage: 2, refused: 3, failed: 4, interrupted: 130 } as const;

/** The exit code an error ends the command with. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return exitCodes.usage;
  const backdropError = isBackdropError(error) ? error : toBackdropError(error);
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

/** The error as one readable sentence, with what to do about it. */
export function describeError(error: unknown): string {
  if (error instanceof UsageError)
    return `${error.message}. Run "backdrop help${error.command ? ` ${error.command}` : ''}".`;
  const backdropError: BackdropError = isBackdropError(error) ? error : toBackdropError(error);
  const who = backdropError.provider ? `${backdropError.provider}: ` : '';
  const fix = fixes[backdropError.code];
  const sentence = `${who}${backdropError.message}`.replace(/\.$/, '');
  return fix ? `${sentence}. To fix: ${fix}.` : `${sentence}.`;
}

/** The `--json` failure object. */
export function errorJson(error: unknown): {
  error: { code: string; message: string; provider: string | null; field: string | null };
} {
  if (error instanceof UsageError)
    return { error: { code: 'invalid_input', message: error.message, provider: null, field: null } };
  const backdropError = isBackdropError(error) ? error : toBackdropError(error);
  return {
    error: {
      code: backdropError.code,
      message: backdropError.message,
      provider: backdropError.provider ?? null,
      field: backdropError.field ?? null,
    },
  };
}
