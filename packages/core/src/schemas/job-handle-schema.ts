import * as z from 'zod';
import type { JobHandle, JsonValue } from '../spec/job.js';
import { rule } from './rule.js';

const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
);

/** A saved job handle, checked before it is resumed. */
export const jobHandleSchema: z.ZodType<JobHandle> = z.object({
  provider: z.string(rule('must be a provider id')).min(1, rule('must be a provider id')),
  operation: z.enum(
    ['removeBackground', 'replaceBackground', 'removeVideoBackground', 'connectRealtimeVideo'],
    rule('must be an operation name'),
  ),
  model: z.string(rule('must be a model id')).min(1, rule('must be a model id')),
  id: z.string(rule('must be the job id')).min(1, rule('must be the job id')),
  data: z.record(z.string(), jsonValueSchema).optional(),
});
