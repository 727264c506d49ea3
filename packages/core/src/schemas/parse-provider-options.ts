import type { z } from 'zod';
import { BackdropError } from '../errors/backdrop-error.js';

/**
 * Validates `providerOptions.<provider>` with an adapter's strict zod schema, throwing
 * `invalid_input` that names `providerOptions.<provider>.<field>`, the rule and the value.
 */
export function parseProviderOptions<Schema extends z.ZodObject>(
  schema: Schema,
  options: unknown,
  provider: string,
): z.output<Schema> {
  if (options === undefined) return schema.parse({});
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue?.code === 'unrecognized_keys' ? issue.keys[0] : issue?.path.join('.');
  const field = `providerOptions.${provider}${key ? `.${key}` : ''}`;
  const message =
    issue?.code === 'unrecognized_keys'
      ? `${field}: ${provider} has no such option (it takes ${Object.keys(schema.shape).join(', ')})`
      : `${field}: ${issue?.message ?? 'invalid'}`;
  throw new BackdropError({ code: 'invalid_input', provider, field, message });
}
