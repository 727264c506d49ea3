import * as z from 'zod';
import { namedColors, videoContainers } from '../spec/options.js';
import { callOptionsShape, colorSchema, mediaInputSchema, webhookUrlSchema } from './common-schemas.js';
import { rule } from './rule.js';

const blurStrengthSchema = z
  .number(rule('must be a whole number from 0 to 100'))
  .int(rule('must be a whole number from 0 to 100'))
  .min(0, rule('must be a whole number from 0 to 100'))
  .max(100, rule('must be a whole number from 0 to 100'));

const backgroundChoices = `"transparent", "blur", a colour (${namedColors.join(', ')}, #rrggbb), or { type: "transparent" | "color" | "blur" | "image", ... }`;

/**
 * Whether a string is meant as a background shorthand (`transparent`, `blur`, a colour name or
 * `#rrggbb`) rather than an image's path or URL; the schema then says if the name is known.
 */
export function isBackgroundShorthand(value: string): boolean {
  return /^(#[0-9a-f]{6}|[a-z]+)$/i.test(value.trim());
}

/**
 * A background: the shorthand strings `transparent`, `blur`, a colour name or `#rrggbb`, or an
 * object `{ type: 'color', color }`, `{ type: 'blur', strength }`, `{ type: 'image', image }`.
 */
export const backgroundSchema = z.union(
  [
    z.literal('transparent').transform(() => ({ type: 'transparent' as const })),
    z.literal('blur').transform(() => ({ type: 'blur' as const, strength: 50 })),
    colorSchema.transform((color) => ({ type: 'color' as const, color })),
    z.strictObject({ type: z.literal('transparent') }),
    z.strictObject({ type: z.literal('color'), color: colorSchema }),
    z.strictObject({ type: z.literal('blur'), strength: blurStrengthSchema.default(50) }),
    z.strictObject({ type: z.literal('image'), image: mediaInputSchema }),
  ],
  rule(`must be ${backgroundChoices}`),
);

export const removeVideoBackgroundSchema = z.strictObject({
  video: mediaInputSchema,
  background: backgroundSchema.default({ type: 'transparent' }),
  /** Output container and codec; for a transparent background, one that carries alpha. */
  container: z.enum(videoContainers, rule(`must be one of ${videoContainers.join(', ')}`)).optional(),
  /** Keep the input's audio track (the providers' default). */
  keepAudio: z.boolean(rule('must be true or false')).optional(),
  webhookUrl: webhookUrlSchema.optional(),
  /** How often to ask a job's status when the provider has no stream, in milliseconds. */
  pollIntervalMs: z
    .number(rule('must be a whole number of milliseconds from 100'))
    .int(rule('must be a whole number of milliseconds from 100'))
    .min(100, rule('must be a whole number of milliseconds from 100'))
    .optional(),
  ...callOptionsShape,
});

export const realtimeVideoSchema = z.strictObject({
  background: backgroundSchema.default({ type: 'color', color: 'black' }),
  /** Frames sent and not yet answered; past this, the newest frame waits and older ones are dropped. */
  maxFramesInFlight: z
    .number(rule('must be a whole number from 1 to 8'))
    .int(rule('must be a whole number from 1 to 8'))
    .min(1, rule('must be a whole number from 1 to 8'))
    .max(8, rule('must be a whole number from 1 to 8'))
    .default(1),
  /** A frame unanswered for this long counts as lost, in milliseconds. */
  frameTimeoutMs: z
    .number(rule('must be a positive number of milliseconds'))
    .positive(rule('must be a positive number of milliseconds'))
    .default(5_000),
  /** How many times to reconnect after the connection drops. */
  maxReconnects: z
    .number(rule('must be a whole number from 0 to 100'))
    .int(rule('must be a whole number from 0 to 100'))
    .min(0, rule('must be a whole number from 0 to 100'))
    .max(100, rule('must be a whole number from 0 to 100'))
    .default(5),
  provider: callOptionsShape.provider,
  model: callOptionsShape.model,
  providerOptions: callOptionsShape.providerOptions,
  signal: callOptionsShape.signal,
  timeoutMs: callOptionsShape.timeoutMs,
});

export type RemoveVideoBackgroundRequest = z.input<typeof removeVideoBackgroundSchema>;
export type ParsedRemoveVideoBackgroundRequest = z.output<typeof removeVideoBackgroundSchema>;
export type RealtimeVideoRequest = z.input<typeof realtimeVideoSchema>;
export type ParsedRealtimeVideoRequest = z.output<typeof realtimeVideoSchema>;
export type BackgroundInput = z.input<typeof backgroundSchema>;
export type ParsedBackground = z.output<typeof backgroundSchema>;
