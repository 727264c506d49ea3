import { GIF } from 'image-size/types/gif';
import { HEIF } from 'image-size/types/heif';
import type { IImage } from 'image-size/types/interface';
import { JPG } from 'image-size/types/jpg';
import { PNG } from 'image-size/types/png';
import { WEBP } from 'image-size/types/webp';
import { contentTypeOfFormat, type MediaFormat } from '../spec/media.js';
import { detectFileType } from './detect-file-type.js';

/** What the magic bytes say, or undefined when they are not a format Backdrop handles. */
export interface SniffedMedia {
  format: MediaFormat;
  /** What the bytes were named, for messages about formats we do not take (`heic`, `pdf`). */
  detected: string | undefined;
}

const formatByExtension: Readonly<Record<string, MediaFormat>> = {
  png: 'png',
  jpg: 'jpeg',
  webp: 'webp',
  gif: 'gif',
  avif: 'avif',
  mp4: 'mp4',
  m4v: 'mp4',
  mov: 'mov',
  webm: 'webm',
  mkv: 'mkv',
};

/** The first bytes are enough for every format here (an image's dimensions may need more). */
export const sniffLength = 64 * 1024;

export async function sniffFormat(
  head: Uint8Array,
): Promise<{ format: MediaFormat | undefined; detected: string | undefined }> {
  const detected = detectFileType(head);
  if (!detected) return { format: undefined, detected: undefined };
  return { format: formatByExtension[detected], detected };
}

/** image-size's reader for each image format taken: only these are bundled, not its every format. */
const dimensionReaders: Readonly<Partial<Record<MediaFormat, IImage>>> = {
  png: PNG,
  jpeg: JPG,
  webp: WEBP,
  gif: GIF,
  avif: HEIF,
};

/** Width and height from a header, the largest image's when it holds several (as image-size picks). */
function measure(reader: IImage, bytes: Uint8Array): { width: number; height: number } | undefined {
  const size = reader.calculate(bytes);
  const largest = (size.images ?? [size]).reduce((best, image) =>
    image.width * image.height > best.width * best.height ? image : best,
  );
  return largest.width && largest.height ? { width: largest.width, height: largest.height } : undefined;
}

/**
 * Reads an image's width and height from its header without decoding it: first from the
 * sniffed head, then from more of the file when metadata pushes the size further in.
 */
export async function readImageDimensions(
  data: Blob,
  head: Uint8Array,
  format: MediaFormat,
): Promise<{ width: number; height: number } | undefined> {
  const reader = dimensionReaders[format];
  if (!reader) return undefined;
  const attempts = [head, undefined];
  for (const attempt of attempts) {
    const bytes =
      attempt ?? new Uint8Array(await data.slice(0, Math.min(data.size, 4 * 1024 * 1024)).arrayBuffer());
    try {
      const size = reader.validate(bytes) ? measure(reader, bytes) : undefined;
      if (size) return size;
    } catch {
      // Truncated header: try with more bytes.
    }
    if (bytes.byteLength >= data.size) break;
  }
  return undefined;
}

export function formatFromContentType(contentType: string | undefined): MediaFormat | undefined {
  if (!contentType) return undefined;
  const normalized = contentType.split(';')[0]?.trim().toLowerCase();
  if (normalized === 'image/jpg') return 'jpeg';
  for (const [format, type] of Object.entries(contentTypeOfFormat)) {
    if (type === normalized) return format as MediaFormat;
  }
  return undefined;
}

export function formatFromFileName(fileName: string): MediaFormat | undefined {
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (!extension) return undefined;
  if (extension === 'jpeg') return 'jpeg';
  return formatByExtension[extension];
}
