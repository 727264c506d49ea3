import * as z from 'zod/mini';
import { imageOutputFormats, qualityModes } from '../spec/options.js';
import {
  callOptionsShape,
  colorSchema,
  mediaInputSchema,
  seedSchema,
  webhookUrlSchema,
} from './common-schemas.js';
import { rule } from './rule.js';

/** A cut-out keeps its transparency: JPEG has none. */
const cutoutFormats = imageOutputFormats.filter((format) => format !== 'jpeg');

export const removeBackgroundSchema = z.strictObject({
  image: mediaInputSchema,
  /** The result's format: `png` (default) or `webp`, both with alpha. */
  outputFormat: z.optional(
    z.enum(
      cutoutFormats,
      rule(`must be ${cutoutFormats.join(' or ')} (a cut-out needs transparency, which jpeg lacks)`),
    ),
  ),
  webhookUrl: z.optional(webhookUrlSchema),
  ...callOptionsShape,
});

export const replaceBackgroundSchema = z
  .strictObject({
    image: mediaInputSchema,
    /** What the new background should show. */
    prompt: z.optional(
      z
        .string(rule('must be text'))
        .check(
          z.trim(),
          z.minLength(1, rule('must not be empty')),
          z.maxLength(10_000, rule('must be at most 10000 characters')),
        ),
    ),
    /** An image whose look the new background should take. */
    referenceImage: z.optional(mediaInputSchema),
    /** A plain colour behind the subject instead (named or #rrggbb). */
    backgroundColor: z.optional(colorSchema),
    negativePrompt: z.optional(
      z.string(rule('must be text')).check(z.maxLength(10_000, rule('must be at most 10000 characters'))),
    ),
    seed: z.optional(seedSchema),
    /** How many results to make. */
    count: z._default(
      z
        .int(rule('must be a whole number of at least 1'))
        .check(z.minimum(1, rule('must be a whole number of at least 1'))),
      1,
    ),
    qualityMode: z.optional(z.enum(qualityModes, rule(`must be one of ${qualityModes.join(', ')}`))),
    /** Let the provider rewrite the prompt for better results. */
    refinePrompt: z.optional(z.boolean(rule('must be true or false'))),
    /** Keep the input's width and height. */
    preserveOriginalSize: z.optional(z.boolean(rule('must be true or false'))),
    /** Refuse prompts that fail the provider's content moderation. */
    moderation: z.optional(z.boolean(rule('must be true or false'))),
    /** The result's format: `png` (default), `webp` or `jpeg`. */
    outputFormat: z.optional(
      z.enum(imageOutputFormats, rule(`must be one of ${imageOutputFormats.join(', ')}`)),
    ),
    webhookUrl: z.optional(webhookUrlSchema),
    ...callOptionsShape,
  })
  .check((context) => {
    const { prompt, referenceImage, backgroundColor } = context.value;
    if (prompt === undefined && referenceImage === undefined && backgroundColor === undefined) {
      context.issues.push({
        code: 'custom',
        path: ['prompt'],
        input: prompt,
        message: 'a prompt, a referenceImage or a backgroundColor is required; got none of them',
      });
    }
    if (backgroundColor !== undefined && (prompt !== undefined || referenceImage !== undefined)) {
      context.issues.push({
        code: 'custom',
        path: ['backgroundColor'],
        input: backgroundColor,
        message: 'a backgroundColor replaces the background by itself: leave out prompt and referenceImage',
      });
    }
  });

export type RemoveBackgroundRequest = z.input<typeof removeBackgroundSchema>;
export type ReplaceBackgroundRequest = z.input<typeof replaceBackgroundSchema>;
export type ParsedRemoveBackgroundRequest = z.output<typeof removeBackgroundSchema>;
export type ParsedReplaceBackgroundRequest = z.output<typeof replaceBackgroundSchema>;
