import { z } from 'zod';
import { qualityModes } from '../spec/options.js';
import { callOptionsShape, mediaInputSchema, seedSchema, webhookUrlSchema } from './common-schemas.js';
import { rule } from './rule.js';

export const removeBackgroundSchema = z.strictObject({
  image: mediaInputSchema,
  webhookUrl: webhookUrlSchema.optional(),
  ...callOptionsShape,
});

export const replaceBackgroundSchema = z
  .strictObject({
    image: mediaInputSchema,
    /** What the new background should show. */
    prompt: z
      .string(rule('must be text'))
      .trim()
      .min(1, rule('must not be empty'))
      .max(10_000, rule('must be at most 10000 characters'))
      .optional(),
    /** An image whose look the new background should take. */
    referenceImage: mediaInputSchema.optional(),
    negativePrompt: z
      .string(rule('must be text'))
      .max(10_000, rule('must be at most 10000 characters'))
      .optional(),
    seed: seedSchema.optional(),
    /** How many results to make. */
    count: z
      .number(rule('must be a whole number of at least 1'))
      .int(rule('must be a whole number of at least 1'))
      .min(1, rule('must be a whole number of at least 1'))
      .default(1),
    qualityMode: z.enum(qualityModes, rule(`must be one of ${qualityModes.join(', ')}`)).optional(),
    /** Let the provider rewrite the prompt for better results. */
    refinePrompt: z.boolean(rule('must be true or false')).optional(),
    /** Keep the input's width and height. */
    preserveOriginalSize: z.boolean(rule('must be true or false')).optional(),
    /** Refuse prompts that fail the provider's content moderation. */
    moderation: z.boolean(rule('must be true or false')).optional(),
    webhookUrl: webhookUrlSchema.optional(),
    ...callOptionsShape,
  })
  .check((context) => {
    if (context.value.prompt === undefined && context.value.referenceImage === undefined) {
      context.issues.push({
        code: 'custom',
        path: ['prompt'],
        input: context.value.prompt,
        message: 'a prompt or a referenceImage is required; got neither',
      });
    }
  });

export type RemoveBackgroundRequest = z.input<typeof removeBackgroundSchema>;
export type ReplaceBackgroundRequest = z.input<typeof replaceBackgroundSchema>;
export type ParsedRemoveBackgroundRequest = z.output<typeof removeBackgroundSchema>;
export type ParsedReplaceBackgroundRequest = z.output<typeof replaceBackgroundSchema>;
