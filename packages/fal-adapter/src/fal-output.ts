import {
  type AdapterMedia,
  type AdapterOutputFile,
  BackdropError,
  validationIssueMessage,
} from '@backdrop/core/provider';
import * as z from 'zod/mini';

// Minimal and lenient, like the AI SDK's response schemas: only what is read is required.
const falFileSchema = z.object({
  url: z.string(),
  content_type: z.nullish(z.string()),
  file_size: z.nullish(z.number()),
  width: z.nullish(z.number()),
  height: z.nullish(z.number()),
});

export const falImageOutputSchema = z.object({ image: falFileSchema });
export const falImagesOutputSchema = z.object({
  images: z.array(falFileSchema).check(z.minLength(1)),
  seed: z.nullish(z.number()),
});

export function toOutputFile(file: z.infer<typeof falFileSchema>): AdapterOutputFile {
  return {
    url: file.url,
    contentType: file.content_type ?? undefined,
    sizeBytes: file.file_size ?? undefined,
    width: file.width ?? undefined,
    height: file.height ?? undefined,
  };
}

/** Parses a fal output, or explains which endpoint answered with what. */
export function parseFalOutput<Schema extends z.ZodMiniType>(
  schema: Schema,
  data: unknown,
  endpoint: string,
): z.output<Schema> {
  const result = z.safeParse(schema, data, { reportInput: true });
  const issue = result.error?.issues[0];
  if (result.success) return result.data;
  throw new BackdropError({
    code: 'provider_error',
    provider: 'fal',
    retryable: false,
    message: `${endpoint} answered with an unexpected output (${issue?.path.join('.') || 'body'}: ${issue ? validationIssueMessage(issue) : 'invalid'})`,
  });
}

/** fal reads inputs from URLs: core has uploaded local bytes through fal storage already. */
export function mediaUrl(media: AdapterMedia): string {
  if (media.kind === 'url') return media.url;
  throw new BackdropError({
    code: 'provider_error',
    provider: 'fal',
    retryable: false,
    message: 'fal needs an uploaded file URL',
  });
}
