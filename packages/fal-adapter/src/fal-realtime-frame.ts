import { encodeDataUri, frameContentType, type RealtimeFrameInput } from '@backdrop/core';

/**
 * A frame as fal's live app reads it: `image_url` is a string in its input schema (a URL or a
 * data URI). Raw bytes would reach it as msgpack binary, which the app refuses, so bytes go as
 * a base64 data URI with the type their magic bytes say (a Blob's own type as a fallback).
 */
export function encodeFalFrame(frame: RealtimeFrameInput): string | Promise<string> {
  if (typeof frame === 'string') return frame;
  if (frame instanceof Uint8Array) return encodeDataUri(frame, frameContentType(frame) ?? 'image/jpeg');
  return frame.arrayBuffer().then((buffer) => {
    const bytes = new Uint8Array(buffer);
    return encodeDataUri(bytes, frameContentType(bytes) ?? (frame.type || 'application/octet-stream'));
  });
}
