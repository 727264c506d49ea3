import { parseProviderOptions, validationRule as rule } from '@backdrop/core/provider';
import * as z from 'zod/mini';

const inferenceShProviderOptionsSchema = z.strictObject({
  /** Where the task runs: inference.sh's cloud, your private workers, or private first. */
  infra: z.optional(
    z.enum(['cloud', 'private', 'private_first'], rule('must be cloud, private or private_first')),
  ),
});

/** Options only inference.sh understands, under `providerOptions.inferencesh`. */
export type InferenceShProviderOptions = z.infer<typeof inferenceShProviderOptionsSchema>;

export function parseInferenceShProviderOptions(options: unknown): InferenceShProviderOptions {
  return parseProviderOptions(inferenceShProviderOptionsSchema, options, 'inferencesh');
}
