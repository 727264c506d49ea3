import type { AdapterMedia, AdapterOutput, OperationName } from '@backdrop/core/provider';
import { BackdropError } from '@backdrop/core/provider';
import { toOutputFile } from './inferencesh-task.js';

/** How one normalized operation maps onto an inference.sh app. */
export interface InferenceShOperationMapping<Call> {
  operation: OperationName;
  toInput(call: Call): Record<string, unknown>;
  toOutput(output: Record<string, unknown>): AdapterOutput;
}

/** Inputs carry the uploaded file's uri (inf://...) or the caller's URL. */
export function fileReference(media: AdapterMedia): string {
  if (media.kind === 'url') return media.url;
  throw new BackdropError({
    code: 'provider_error',
    provider: 'inferencesh',
    retryable: false,
    message: 'inference.sh needs an uploaded file',
  });
}

/** Both image apps answer `{ image }`. */
export function imageOutput(output: Record<string, unknown>): AdapterOutput {
  const file = toOutputFile(output.image);
  if (!file) {
    throw new BackdropError({
      code: 'provider_error',
      provider: 'inferencesh',
      retryable: false,
      message: 'the inference.sh task completed without an image',
    });
  }
  return { files: [{ contentType: 'image/png', ...file }] };
}
