import { decodeDataUri, type NamedColor, type ResolvedBackground, titleCaseColor } from '@backdrop/core';
import type { components } from './generated/fal-bria-video-background-removal-realtime.js';

type RealtimeInput = components['schemas']['RealtimeInput'];

const rememberedBackgrounds = 8;

/** Puts bytes in fal storage and answers their URL. */
export type FalBackgroundUpload = (bytes: Uint8Array, contentType: string) => Promise<string>;

/**
 * The background fields of every frame message. fal's live protocol keeps no state between
 * messages (each is a whole input; a field left out takes its default), so the background goes
 * with every frame. An image given inline (a data URI) is uploaded to fal storage once, when
 * the adapter can upload (it has the key, or a proxy), and its short URL sent from then on;
 * until the upload is done, and in a browser holding only a token, it stays inline.
 */
export function createFalBackgroundFields(upload: FalBackgroundUpload | undefined) {
  const uploaded = new Map<string, string | Promise<string | undefined>>();

  function imageUrl(url: string): string {
    if (!upload || !url.startsWith('data:')) return url;
    const known = uploaded.get(url);
    if (typeof known === 'string') return known;
    if (!known) {
      const decoded = decodeDataUri(url);
      if (!decoded) return url;
      // Keep the few most recent backgrounds only: each key is a whole data URI.
      const oldest = uploaded.keys().next().value;
      if (uploaded.size >= rememberedBackgrounds && oldest !== undefined) uploaded.delete(oldest);
      uploaded.set(
        url,
        upload(decoded.bytes, decoded.contentType ?? 'application/octet-stream').then(
          (hosted) => {
            uploaded.set(url, hosted);
            return hosted;
          },
          // The inline image still works: keep sending it.
          () => undefined,
        ),
      );
    }
    return url;
  }

  return {
    /** Starts the upload of an inline image early, so the first frames are small too. */
    prepare(background: ResolvedBackground): Promise<unknown> {
      if (background.type === 'image' && background.image.kind === 'url') imageUrl(background.image.url);
      return Promise.resolve(
        background.type === 'image' && background.image.kind === 'url'
          ? uploaded.get(background.image.url)
          : undefined,
      );
    },
    fields(background: ResolvedBackground): Partial<RealtimeInput> {
      switch (background.type) {
        case 'color':
          return {
            background_type: 'color',
            background_color: titleCaseColor(background.color as NamedColor),
          };
        case 'blur':
          return { background_type: 'blur', blur_strength: background.strength };
        case 'image':
          return {
            background_type: 'image',
            background_image_url: background.image.kind === 'url' ? imageUrl(background.image.url) : '',
          };
        default:
          return {};
      }
    },
  };
}

export type FalBackgroundFields = ReturnType<typeof createFalBackgroundFields>;
