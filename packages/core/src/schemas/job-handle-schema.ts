import * as z from 'zod/mini';
import type { JobHandle, JsonValue } from '../spec/job.js';
import { rule } from './rule.js';

const jsonValueSchema: z.ZodMiniType<JsonValue> = z.lazy(() =>
  z.union(
    [
      z.string(),
      z.number(),
      z.boolean(),
      z.null(),
      z.array(jsonValueSchema),
      z.record(z.string(), jsonValueSchema),
    ],
    rule('must be plain JSON (text, numbers, true or false, null, lists and objects)'),
  ),
);

/** A saved job handle, checked before it is resumed. */
export const jobHandleSchema: z.ZodMiniType<JobHandle> = z.object({
  provider: z.string(rule('must be a provider id')).check(z.minLength(1, rule('must be a provider id'))),
  operation: z.enum(
    ['removeBackground', 'replaceBackground', 'removeVideoBackground', 'connectRealtimeVideo'],
    rule('must be an operation name'),
  ),
  model: z.string(rule('must be a model id')).check(z.minLength(1, rule('must be a model id'))),
  id: z.string(rule('must be the job id')).check(z.minLength(1, rule('must be the job id'))),
  data: z.optional(z.record(z.string(), jsonValueSchema, rule('must be an object of plain JSON values'))),
});
