import { type OperationName, parseProviderOptions, validationRule as rule } from '@backdrop/core/provider';
import * as z from 'zod/mini';
import { falEndpointIds } from './fal-endpoints.js';

const endpointIds = Object.values(falEndpointIds);

const falProviderOptionsSchema = z.strictObject({
  /** Use this endpoint and no other; a request it cannot serve is refused, naming one that can. */
  endpoint: z.optional(z.enum(endpointIds, rule(`must be one of ${endpointIds.join(', ')}`))),
  /** Inference steps of bria/replace-background (its default is 30). */
  inferenceSteps: z.optional(
    z
      .int(rule('must be a whole number of at least 1'))
      .check(z.minimum(1, rule('must be a whole number of at least 1'))),
  ),
  /** Ask fal to return outputs inline as data URIs (and keep them out of the request history). */
  syncMode: z.optional(z.boolean(rule('must be true or false'))),
  /** fal's queue priority. */
  priority: z.optional(z.enum(['low', 'normal'], rule('must be low or normal'))),
  /** Seconds a queued request may wait to start before fal gives up on it (more than 1). */
  startTimeoutSeconds: z.optional(
    z
      .number(rule('must be a number of seconds above 1'))
      .check(z.gt(1, rule('must be a number of seconds above 1'))),
  ),
});

/** Options only fal understands, under `providerOptions.fal`. */
export type FalProviderOptions = z.infer<typeof falProviderOptionsSchema>;

/** Validates `providerOptions.fal`, naming the field, the rule and the value on failure. */
export function parseFalProviderOptions(options: unknown): FalProviderOptions {
  return parseProviderOptions(falProviderOptionsSchema, options, 'fal');
}

export function prepareFalProviderOptions(
  _operation: OperationName,
  options: unknown,
): { model?: string | undefined } {
  return { model: parseFalProviderOptions(options).endpoint };
}
