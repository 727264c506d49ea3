import { BackdropError } from '../errors/backdrop-error.js';
import type { RealtimeFrameInput } from '../spec/realtime.js';

/** The image formats a live frame may be in, by their first bytes. */
const frameSignatures: ReadonlyArray<{ contentType: string; matches: (bytes: Uint8Array) => boolean }> = [
  {
    contentType: 'image/jpeg',
    matches: (bytes) => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff,
  },
  {
    contentType: 'image/png',
    matches: (bytes) => bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47,
  },
  {
    contentType: 'image/webp',
    matches: (bytes) =>
      String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF' &&
      String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP',
  },
];

/** A frame's content type from its magic bytes (JPEG, PNG, WebP), or undefined. */
export function frameContentType(bytes: Uint8Array): string | undefined {
  return frameSignatures.find((signature) => signature.matches(bytes))?.contentType;
}

function refuse(problem: string): never {
  throw new BackdropError({ code: 'invalid_input', field: 'frame', message: `frame: ${problem}` });
}

/**
 * Checks what can be checked at once, before anything is sent: bytes must be a JPEG, PNG or
 * WebP image, a string an http(s) URL or an image data URI. (A Blob's bytes are read later.)
 */
export function checkRealtimeFrame(frame: RealtimeFrameInput): void {
  if (frame instanceof Uint8Array) {
    if (frame.byteLength === 0) refuse('the image is empty (0 bytes)');
    if (!frameContentType(frame))
      refuse(`must be a JPEG, PNG or WebP image; these ${frame.byteLength} bytes are none of them`);
    return;
  }
  if (typeof frame === 'string') {
    if (/^data:image\/(jpeg|png|webp)[;,]/i.test(frame) || /^https?:\/\//i.test(frame)) return;
    refuse(
      `a string frame must be an http(s) URL or a JPEG, PNG or WebP data URI; got "${frame.slice(0, 24)}…"`,
    );
  }
  if (typeof Blob !== 'undefined' && frame instanceof Blob) {
    if (frame.size === 0) refuse('the image is empty (0 bytes)');
    return;
  }
  refuse('must be image bytes (Uint8Array or Blob), an http(s) URL or a data URI');
}
