import { safeParse } from 'zod/mini';
import type { $ZodObject, output } from 'zod/v4/core';
import { BackdropError } from '../errors/backdrop-error.js';
import { issueMessage } from './issue-message.js';

/**
 * Validates `providerOptions.<provider>` with an adapter's strict zod schema (zod or zod/mini), throwing
 * `invalid_input` that names `providerOptions.<provider>.<field>`, the rule and the value.
 */
export function parseProviderOptions<Schema extends $ZodObject>(
  schema: Schema,
  options: unknown,
  provider: string,
): output<Schema> {
  const result = safeParse(schema, options === undefined ? {} : options, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue?.code === 'unrecognized_keys' ? issue.keys[0] : issue?.path.join('.');
  const field = `providerOptions.${provider}${key ? `.${key}` : ''}`;
  const message =
    issue?.code === 'unrecognized_keys'
      ? `${field}: ${provider} has no such option (it takes ${Object.keys(schema._zod.def.shape).join(', ')})`
      : `${field}: ${issue ? issueMessage(issue) : 'invalid'}`;
  throw new BackdropError({ code: 'invalid_input', provider, field, message });
}
