import * as z from 'zod';
import type { MediaInput } from '../spec/media.js';
import { type HexColor, maximumSeed, type NamedColor, namedColors } from '../spec/options.js';
import type { ProgressListener } from '../spec/progress.js';
import { rule } from './rule.js';

export function isBlob(value: unknown): value is Blob {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Blob).arrayBuffer === 'function' &&
    typeof (value as Blob).size === 'number' &&
    typeof (value as Blob).type === 'string'
  );
}

export const mediaInputSchema = z.custom<MediaInput>(
  (value) =>
    (typeof value === 'string' && value.trim() !== '') ||
    value instanceof URL ||
    value instanceof Uint8Array ||
    value instanceof ArrayBuffer ||
    isBlob(value),
  rule('must be an http(s) URL, a data URI, a file path (Node), a Uint8Array, an ArrayBuffer or a Blob'),
);

export const seedSchema = z
  .number(rule(`must be a whole number from 0 to ${maximumSeed}`))
  .int(rule(`must be a whole number from 0 to ${maximumSeed}`))
  .min(0, rule(`must be a whole number from 0 to ${maximumSeed}`))
  .max(maximumSeed, rule(`must be a whole number from 0 to ${maximumSeed}`));

const hexColorPattern = /^#[0-9a-f]{6}$/;
const colorRule = `must be one of ${namedColors.join(', ')} or #rrggbb`;

/** A colour name (any case) or #rrggbb, normalized to lower case. */
export const colorSchema = z
  .string(rule(colorRule))
  .transform((value) => value.trim().toLowerCase())
  .refine(
    (value) => (namedColors as readonly string[]).includes(value) || hexColorPattern.test(value),
    rule(colorRule),
  )
  .transform((value) => value as NamedColor | HexColor);

/** Options every operation takes besides its own fields. */
export const callOptionsShape = {
  /** Use this provider id and no other. */
  provider: z.string(rule('must be a provider id such as "fal"')).optional(),
  /** Use this model or endpoint of the provider. */
  model: z.string(rule('must be a model id')).optional(),
  /** Per-provider options, keyed by provider id; each adapter validates its own. */
  providerOptions: z
    .record(z.string(), z.unknown(), rule('must be an object keyed by provider id'))
    .optional(),
  signal: z
    .custom<AbortSignal>(
      (value) =>
        typeof value === 'object' && value !== null && typeof (value as AbortSignal).aborted === 'boolean',
      rule('must be an AbortSignal'),
    )
    .optional(),
  /** Milliseconds for the whole call, retries and fallbacks included. */
  timeoutMs: z
    .number(rule('must be a positive number of milliseconds'))
    .positive(rule('must be a positive number of milliseconds'))
    .optional(),
  maxRetries: z
    .number(rule('must be a whole number from 0 to 10'))
    .int(rule('must be a whole number from 0 to 10'))
    .min(0, rule('must be a whole number from 0 to 10'))
    .max(10, rule('must be a whole number from 0 to 10'))
    .optional(),
  /** On a retryable failure, try the next capable provider. */
  fallback: z.boolean(rule('must be true or false')).optional(),
  /** Resend a start whose answer was lost after sending (it may pay twice); off by default. */
  resendUnconfirmedStart: z.boolean(rule('must be true or false')).optional(),
  /** Download every output before returning (reports `downloading` progress). */
  download: z.boolean(rule('must be true or false')).optional(),
  onProgress: z
    .custom<ProgressListener>((value) => typeof value === 'function', rule('must be a function'))
    .optional(),
};

export const webhookUrlSchema = z
  .string(rule('must be an http(s) URL'))
  .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), rule('must be an http(s) URL'));
