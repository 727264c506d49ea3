import { isBackdropError, redactSecrets } from '@backdrop/core';

const providerNames: Readonly<Record<string, string>> = { fal: 'fal', inferencesh: 'inference.sh' };

function retriedText(retries: number | undefined): string {
  if (!retries) return '';
  return ` (it retried ${retries} ${retries === 1 ? 'time' : 'times'})`;
}

/**
 * An error in plain words with what to do about it. The designer's keys are scrubbed from every
 * message, whatever produced it.
 */
export function describeError(error: unknown, secrets: readonly string[]): string {
  return redactSecrets(plainWords(error), secrets);
}

function plainWords(error: unknown): string {
  if (!isBackdropError(error)) return error instanceof Error ? error.message : String(error);
  const provider = providerNames[error.provider ?? ''] ?? error.provider ?? 'The provider';
  switch (error.code) {
    case 'aborted':
      return 'Cancelled.';
    case 'moderation':
      return `${provider}'s moderation refused the prompt. Rephrase it and run again.`;
    case 'auth':
      return `${provider} rejected the API key. Check the key in Settings.`;
    case 'rate_limited':
    case 'provider_error':
    case 'network':
      return `${provider} is busy or unreachable${retriedText(error.retries)}. Try again in a minute.`;
    case 'timeout':
      return `${provider} took too long${retriedText(error.retries)}. Try again, or with a smaller image.`;
    case 'invalid_input':
      return error.field === 'image'
        ? `This image cannot be sent: ${error.message}. Scale the layer's image down and try again.`
        : error.message;
    case 'provider_rejected':
      return `${provider} could not process this image: ${error.message}`;
    case 'unsupported':
      return error.message;
  }
}
