import { safeParse } from 'zod/mini';
import type { $ZodType, output } from 'zod/v4/core';
import { BackdropError } from '../errors/backdrop-error.js';
import { issueMessage } from './issue-message.js';

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

/** Parses a request, or throws `invalid_input` naming the field, the rule and the value's problem. */
export function parseRequest<Schema extends $ZodType>(
  schema: Schema,
  value: unknown,
  operation: string,
): output<Schema> {
  if (typeof value !== 'object' || value === null) {
    throw new BackdropError({
      code: 'invalid_input',
      message: `${operation}: the request must be an object`,
    });
  }
  const result = safeParse(schema, value, { reportInput: true });
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const field = formatPath(issue.path) || 'request';
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => JSON.stringify(key)).join(', ');
      return { field: issue.keys[0] ?? field, message: `${keys}: not an option of ${operation}` };
    }
    return { field, message: `${field}: ${issueMessage(issue)}` };
  });
  const [first] = issues;
  throw new BackdropError({
    code: 'invalid_input',
    field: first?.field,
    message: issues.map((issue) => issue.message).join('. '),
  });
}
