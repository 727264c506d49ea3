export const imageFormats = ['png', 'jpeg', 'webp', 'gif', 'avif'] as const;
export const videoFormats = ['mp4', 'mov', 'webm', 'mkv'] as const;

export type ImageFormat = (typeof imageFormats)[number];
export type VideoFormat = (typeof videoFormats)[number];
export type MediaFormat = ImageFormat | VideoFormat;
export type MediaKind = 'image' | 'video';

export const contentTypeOfFormat: Readonly<Record<MediaFormat, string>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
};

/** The usual file extension of each format (JPEG is written `.jpg`). */
export const fileExtensionOfFormat: Readonly<Record<MediaFormat, string>> = {
  png: 'png',
  jpeg: 'jpg',
  webp: 'webp',
  gif: 'gif',
  avif: 'avif',
  mp4: 'mp4',
  mov: 'mov',
  webm: 'webm',
  mkv: 'mkv',
};

export const formatLabels: Readonly<Record<MediaFormat, string>> = {
  png: 'PNG',
  jpeg: 'JPEG',
  webp: 'WebP',
  gif: 'GIF',
  avif: 'AVIF',
  mp4: 'MP4',
  mov: 'MOV',
  webm: 'WebM',
  mkv: 'MKV',
};

/**
 * What a caller may pass as an image or a video: an http(s) URL, a data URI, bytes, or
 * (in Node, through `@backdrop/core/node`) a file path.
 */
export type MediaInput = string | URL | Uint8Array | ArrayBuffer | Blob;

/** Facts core established about local media before anything was sent. */
export interface MediaFacts {
  format: MediaFormat;
  contentType: string;
  sizeBytes: number;
  width?: number | undefined;
  height?: number | undefined;
}

/**
 * A media input as an adapter receives it. Remote URLs pass through (their bytes were never
 * seen); local bytes were sniffed and checked, then uploaded through the adapter's
 * `uploadFile` when it has one, else handed over as a Blob.
 */
export type AdapterMedia =
  | {
      kind: 'url';
      url: string;
      /** Present when core saw the bytes (an upload it made); absent for caller URLs. */
      facts?: MediaFacts | undefined;
    }
  | {
      kind: 'bytes';
      data: Blob;
      fileName: string;
      facts: MediaFacts;
    };
