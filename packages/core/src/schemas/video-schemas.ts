import * as z from 'zod/mini';
import { type HexColor, type NamedColor, namedColors, videoContainers } from '../spec/options.js';
import { callOptionsShape, colorSchema, mediaInputSchema, webhookUrlSchema } from './common-schemas.js';
import { rule } from './rule.js';

const blurStrengthSchema = z
  .int(rule('must be a whole number from 0 to 100'))
  .check(
    z.minimum(0, rule('must be a whole number from 0 to 100')),
    z.maximum(100, rule('must be a whole number from 0 to 100')),
  );

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
    z.pipe(
      z.literal('transparent'),
      z.transform(() => ({ type: 'transparent' as const })),
    ),
    z.pipe(
      z.literal('blur'),
      z.transform(() => ({ type: 'blur' as const, strength: 50 })),
    ),
    z.pipe(
      colorSchema,
      z.transform((color: NamedColor | HexColor) => ({ type: 'color' as const, color })),
    ),
    z.strictObject({ type: z.literal('transparent') }),
    z.strictObject({ type: z.literal('color'), color: colorSchema }),
    z.strictObject({ type: z.literal('blur'), strength: z._default(blurStrengthSchema, 50) }),
    z.strictObject({ type: z.literal('image'), image: mediaInputSchema }),
  ],
  rule(`must be ${backgroundChoices}`),
);

export const removeVideoBackgroundSchema = z.strictObject({
  video: mediaInputSchema,
  background: z._default(backgroundSchema, { type: 'transparent' }),
  /** Output container and codec; for a transparent background, one that carries alpha. */
  container: z.optional(z.enum(videoContainers, rule(`must be one of ${videoContainers.join(', ')}`))),
  /** Keep the input's audio track (the providers' default). */
  keepAudio: z.optional(z.boolean(rule('must be true or false'))),
  webhookUrl: z.optional(webhookUrlSchema),
  /** How often to ask a job's status when the provider has no stream, in milliseconds. */
  pollIntervalMs: z.optional(
    z
      .int(rule('must be a whole number of milliseconds from 100'))
      .check(z.minimum(100, rule('must be a whole number of milliseconds from 100'))),
  ),
  ...callOptionsShape,
});

export const realtimeVideoSchema = z.strictObject({
  background: z._default(backgroundSchema, { type: 'color', color: 'black' }),
  /** Frames sent and not yet answered; past this, the newest frame waits and older ones are dropped. */
  maxFramesInFlight: z._default(
    z
      .int(rule('must be a whole number from 1 to 8'))
      .check(
        z.minimum(1, rule('must be a whole number from 1 to 8')),
        z.maximum(8, rule('must be a whole number from 1 to 8')),
      ),
    1,
  ),
  /** A frame unanswered for this long counts as lost, in milliseconds. */
  frameTimeoutMs: z._default(
    z
      .number(rule('must be a positive number of milliseconds'))
      .check(z.positive(rule('must be a positive number of milliseconds'))),
    5_000,
  ),
  /** How many times to reconnect after the connection drops. */
  maxReconnects: z._default(
    z
      .int(rule('must be a whole number from 0 to 100'))
      .check(
        z.minimum(0, rule('must be a whole number from 0 to 100')),
        z.maximum(100, rule('must be a whole number from 0 to 100')),
      ),
    5,
  ),
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
