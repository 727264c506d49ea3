import { describeValue } from '../text/describe-value.js';

/**
 * A zod error option that states the rule and what was wrong with the value, so every
 * validation message reads "field: rule; got value".
 */
export function rule(text: string) {
  return { error: (issue: { input?: unknown }) => `${text}; got ${describeValue(issue.input)}` };
}
