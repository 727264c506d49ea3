import * as z from 'zod/mini';
import type { JobHandle } from '../spec/job.js';
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
  .int(rule(`must be a whole number from 0 to ${maximumSeed}`))
  .check(
    z.minimum(0, rule(`must be a whole number from 0 to ${maximumSeed}`)),
    z.maximum(maximumSeed, rule(`must be a whole number from 0 to ${maximumSeed}`)),
  );

const hexColorPattern = /^#[0-9a-f]{6}$/;
const colorRule = `must be one of ${namedColors.join(', ')} or #rrggbb`;

/** A colour name (any case) or #rrggbb, normalized to lower case. */
export const colorSchema = z.pipe(
  z.string(rule(colorRule)).check(
    z.trim(),
    z.toLowerCase(),
    z.refine(
      (value) => (namedColors as readonly string[]).includes(value) || hexColorPattern.test(value),
      rule(colorRule),
    ),
  ),
  z.transform((value: string) => value as NamedColor | HexColor),
);

/** Options every operation takes besides its own fields. */
export const callOptionsShape = {
  /** Use this provider id and no other. */
  provider: z.optional(z.string(rule('must be a provider id such as "fal"'))),
  /** Use this model or endpoint of the provider. */
  model: z.optional(z.string(rule('must be a model id'))),
  /** Per-provider options, keyed by provider id; each adapter validates its own. */
  providerOptions: z.optional(
    z.record(z.string(), z.unknown(), rule('must be an object keyed by provider id')),
  ),
  signal: z.optional(
    z.custom<AbortSignal>(
      (value) =>
        typeof value === 'object' && value !== null && typeof (value as AbortSignal).aborted === 'boolean',
      rule('must be an AbortSignal'),
    ),
  ),
  /** Milliseconds for the whole call, retries and fallbacks included. */
  timeoutMs: z.optional(
    z
      .number(rule('must be a positive number of milliseconds'))
      .check(z.positive(rule('must be a positive number of milliseconds'))),
  ),
  maxRetries: z.optional(
    z
      .int(rule('must be a whole number from 0 to 10'))
      .check(
        z.minimum(0, rule('must be a whole number from 0 to 10')),
        z.maximum(10, rule('must be a whole number from 0 to 10')),
      ),
  ),
  /** On a retryable failure, try the next capable provider. */
  fallback: z.optional(z.boolean(rule('must be true or false'))),
  /** Resend a start whose answer was lost after sending (it may pay twice); off by default. */
  resendUnconfirmedStart: z.optional(z.boolean(rule('must be true or false'))),
  /** Download every output before returning (reports `downloading` progress). */
  download: z.optional(z.boolean(rule('must be true or false'))),
  onProgress: z.optional(
    z.custom<ProgressListener>((value) => typeof value === 'function', rule('must be a function')),
  ),
  /**
   * Called once the provider has accepted the job, which may be charged from then on, with its
   * plain-JSON handle: kept somewhere durable, `resumeJob(handle)` fetches the result should this
   * process die before it arrives.
   */
  onJobAccepted: z.optional(
    z.custom<(handle: JobHandle) => void>((value) => typeof value === 'function', rule('must be a function')),
  ),
};

export const webhookUrlSchema = z
  .string(rule('must be an http(s) URL'))
  .check(
    z.refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), rule('must be an http(s) URL')),
  );
