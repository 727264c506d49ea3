import type { z } from 'zod';
import { BackdropError } from '../errors/backdrop-error.js';

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

/** Parses a request, or throws `invalid_input` naming the field, the rule and the value's problem. */
export function parseRequest<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  operation: string,
): z.output<Schema> {
  if (typeof value !== 'object' || value === null) {
    throw new BackdropError({
      code: 'invalid_input',
      message: `${operation}: the request must be an object`,
    });
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const field = formatPath(issue.path) || 'request';
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => JSON.stringify(key)).join(', ');
      return { field: issue.keys[0] ?? field, message: `${keys}: not an option of ${operation}` };
    }
    return { field, message: `${field}: ${issue.message}` };
  });
  const [first] = issues;
  throw new BackdropError({
    code: 'invalid_input',
    field: first?.field,
    message: issues.map((issue) => issue.message).join('. '),
  });
}
