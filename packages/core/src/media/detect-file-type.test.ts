import { makeSampleImage, makeVideoHeader, readFixture } from '@backdrop/testkit';
import { fileTypeFromBuffer } from 'file-type/core';
import { describe, expect, it } from 'vitest';
import { detectFileType } from './detect-file-type.js';

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  new Uint8Array(
    parts.flatMap((part) => (typeof part === 'string' ? [...part].map((c) => c.charCodeAt(0)) : part)),
  );

/** A PNG head: signature, IHDR, then the given chunk types (empty bodies). */
const png = (...chunks: string[]) =>
  bytes(
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    [0, 0, 0, 13],
    'IHDR',
    [0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0],
    [0, 0, 0, 0],
    ...chunks.flatMap((type) => [[0, 0, 0, 0], type, [0, 0, 0, 0]]),
  );
const ftyp = (brand: string) => bytes([0, 0, 0, 0x18], 'ftyp', brand, [0, 0, 0, 0], brand, 'isom');

const heads: Record<string, () => Promise<Uint8Array> | Uint8Array> = {
  'a PNG': () => makeSampleImage('png', 8, 8),
  'a JPEG': () => makeSampleImage('jpeg', 8, 8),
  'a WebP': () => makeSampleImage('webp', 8, 8),
  'a GIF': () => makeSampleImage('gif', 8, 8),
  'an AVIF': () => makeSampleImage('avif', 8, 8),
  'an MP4 header': () => makeVideoHeader('mp4'),
  'a MOV header': () => makeVideoHeader('mov'),
  'a WebM header': () => makeVideoHeader('webm'),
  'an MKV header': () => makeVideoHeader('mkv'),
  'the fixture MP4': () => readFixture('05_default_juggle.mp4'),
  'the fixture JPEG': () => readFixture('ruby_mug.jpg'),
  'an animated PNG': () => png('acTL', 'IDAT'),
  'a PNG with text before its data': () => png('tEXt', 'IDAT'),
  'a HEIC': () => ftyp('heic'),
  'a HEIF (mif1)': () => ftyp('mif1'),
  'an M4V': () => ftyp('M4V '),
  'a QuickTime ftyp': () => ftyp('qt  '),
  'a PDF': () => bytes('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n<<>>\nendobj\n'),
  'a little-endian TIFF': () => bytes([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0, 0, 0, 0, 0]),
  'a big-endian TIFF': () => bytes([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 0, 0, 0]),
  'a PSD': () => bytes('8BPS', [0, 1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 8, 0, 3]),
  'a ZIP': () => bytes('PK', [3, 4, 20, 0, 0, 0, 8, 0], 'abcdefghijklmnopqrstuvwxyz'),
  'plain text': () => bytes('hello, this is not media at all, just words'),
};

describe('detectFileType', () => {
  // file-type stays a development dependency: the reference these rules must agree with.
  it.each(Object.keys(heads))('names %s as file-type does', async (name) => {
    const head = await heads[name]?.();
    if (!head) throw new Error(`no head for ${name}`);
    expect(detectFileType(head)).toBe((await fileTypeFromBuffer(head))?.ext);
  });

  it('names nothing from too few bytes', () => {
    expect(detectFileType(new Uint8Array([0xff]))).toBeUndefined();
  });
});
