import type { $ZodIssue } from 'zod/v4/core';
import { describeValue } from '../text/describe-value.js';

/** What zod says when no locale is loaded: zod/mini loads none, to stay small in browsers. */
const bareMessage = 'Invalid input';

/** `3 characters`, `1 item`, or a bare number for numbers and dates. */
function amount(limit: unknown, origin: string): string {
  const unit = origin === 'string' ? 'character' : origin === 'array' || origin === 'set' ? 'item' : '';
  return unit ? `${String(limit)} ${unit}${Number(limit) === 1 ? '' : 's'}` : String(limit);
}

/**
 * An issue's message: the rule it was given (`validationRule`), else one said from the issue
 * itself, so a schema without a rule still names what was expected and what came.
 */
export function issueMessage(issue: $ZodIssue): string {
  if (issue.message && issue.message !== bareMessage) return issue.message;
  const got = 'input' in issue ? `; got ${describeValue(issue.input)}` : '';
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${issue.expected}${got}`;
    case 'invalid_value':
      return `must be ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}${got}`;
    case 'too_small':
      return `must be at least ${amount(issue.minimum, issue.origin)}${got}`;
    case 'too_big':
      return `must be at most ${amount(issue.maximum, issue.origin)}${got}`;
    case 'unrecognized_keys':
      return `has no option ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`;
    default:
      return `is not valid (${issue.code})${got}`;
  }
}
