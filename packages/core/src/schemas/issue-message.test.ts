import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { BackdropError } from '../errors/backdrop-error.js';
import { issueMessage } from './issue-message.js';
import { jobHandleSchema } from './job-handle-schema.js';
import { parseRequest } from './parse-request.js';
import { rule } from './rule.js';

const messageOf = (schema: z.ZodMiniType, value: unknown): string => {
  try {
    parseRequest(schema, value, 'test');
  } catch (error) {
    if (error instanceof BackdropError) return error.message;
  }
  throw new Error('expected a refusal');
};

describe('validation messages without a locale (zod/mini)', () => {
  it('keeps the rule a field was given', () => {
    const schema = z.strictObject({ seed: z.int(rule('must be a whole number')) });
    expect(messageOf(schema, { seed: 1.5 })).toBe('seed: must be a whole number; got 1.5');
  });

  it('says what was expected and what came where a schema gives no rule', () => {
    const schema = z.strictObject({
      url: z.string(),
      images: z.array(z.string()).check(z.minLength(1)),
      mode: z.enum(['a', 'b']),
    });
    expect(messageOf(schema, { url: 3, images: ['x'], mode: 'a' })).toBe('url: must be string; got 3');
    expect(messageOf(schema, { url: 'u', images: [], mode: 'a' })).toBe(
      'images: must be at least 1 item; got an array of 0',
    );
    expect(messageOf(schema, { url: 'u', images: ['x'], mode: 'c' })).toBe(
      'mode: must be "a" or "b"; got "c"',
    );
    expect(messageOf(schema, { images: ['x'], mode: 'a' })).toBe('url: must be string; got nothing');
  });

  it('never answers with zod’s bare "Invalid input"', () => {
    const result = z.safeParse(z.number(), 'x', { reportInput: true });
    const [issue] = result.error?.issues ?? [];
    expect(issue?.message).toBe('Invalid input');
    expect(issue && issueMessage(issue)).toBe('must be number; got "x"');
  });

  it('names the JSON rule for a saved handle holding something else', () => {
    const handle = {
      provider: 'fal',
      operation: 'removeBackground',
      model: 'm',
      id: 'j',
      data: { f: () => 1 },
    };
    expect(messageOf(jobHandleSchema, handle)).toBe(
      'data.f: must be plain JSON (text, numbers, true or false, null, lists and objects); got a function',
    );
  });
});
