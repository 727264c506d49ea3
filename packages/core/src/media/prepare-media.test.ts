import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSampleImage, makeVideoHeader, readFixture } from '@backdrop/testkit';
import { describe, expect, it } from 'vitest';
import { rejection } from '../../test/support/rejection.js';
import { readLocalFile } from '../node.js';
import { encodeDataUri } from './data-uri.js';
import { type PrepareMediaOptions, prepareMedia } from './prepare-media.js';

const asImage: PrepareMediaOptions = { field: 'image', kind: 'image' };
const asVideo: PrepareMediaOptions = { field: 'video', kind: 'video' };

describe('prepareMedia', () => {
  it.each([
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['webp', 'image/webp'],
    ['gif', 'image/gif'],
    ['avif', 'image/avif'],
  ] as const)('sniffs %s from its bytes and reads its dimensions', async (format, contentType) => {
    const bytes = await makeSampleImage(format, 64, 48);
    const prepared = await prepareMedia(bytes, asImage);
    expect(prepared.kind).toBe('bytes');
    if (prepared.kind !== 'bytes') return;
    expect(prepared.facts).toEqual({
      format,
      contentType,
      sizeBytes: bytes.byteLength,
      width: 64,
      height: 48,
    });
  });

  it.each([
    ['mp4', 'video/mp4'],
    ['mov', 'video/quicktime'],
    ['webm', 'video/webm'],
    ['mkv', 'video/x-matroska'],
  ] as const)('sniffs a %s container from its header', async (format, contentType) => {
    const prepared = await prepareMedia(makeVideoHeader(format), asVideo);
    expect(prepared.kind === 'bytes' && prepared.facts.format).toBe(format);
    expect(prepared.kind === 'bytes' && prepared.facts.contentType).toBe(contentType);
  });

  it('sniffs the real fixture video', async () => {
    const prepared = await prepareMedia(await readFixture('05_default_juggle.mp4'), asVideo);
    expect(prepared.kind === 'bytes' && prepared.facts.format).toBe('mp4');
  });

  it('reads real photos: JPEG and PNG with their true sizes', async () => {
    const mug = await prepareMedia(await readFixture('ruby_mug.jpg'), asImage);
    expect(mug.kind === 'bytes' && [mug.facts.width, mug.facts.height]).toEqual([1200, 1200]);
    const notebook = await prepareMedia(
      new Blob([(await readFixture('solidus_notebook.png')) as Uint8Array<ArrayBuffer>], {
        type: 'image/png',
      }),
      asImage,
    );
    expect(notebook.kind === 'bytes' && [notebook.facts.width, notebook.facts.height]).toEqual([1360, 1190]);
  });

  it('reads dimensions from the header alone, without the rest of the file', async () => {
    const truck = await readFixture('truck.jpg');
    const headOnly = truck.subarray(0, 4096);
    const prepared = await prepareMedia(headOnly, asImage);
    expect(prepared.kind === 'bytes' && [prepared.facts.width, prepared.facts.height]).toEqual([1800, 1200]);
  });

  it('accepts ArrayBuffer and data URIs', async () => {
    const bytes = await makeSampleImage('png', 10, 10);
    const fromBuffer = await prepareMedia(bytes.slice().buffer, asImage);
    expect(fromBuffer.kind === 'bytes' && fromBuffer.facts.format).toBe('png');
    const fromDataUri = await prepareMedia(encodeDataUri(bytes, 'image/png'), asImage);
    expect(fromDataUri.kind === 'bytes' && fromDataUri.facts.sizeBytes).toBe(bytes.byteLength);
  });

  it('passes http(s) URLs through unread', async () => {
    expect(await prepareMedia('https://cdn.example.com/a.png', asImage)).toEqual({
      kind: 'url',
      url: 'https://cdn.example.com/a.png',
    });
    expect(await prepareMedia(new URL('http://cdn.example.com/b.jpg'), asImage)).toEqual({
      kind: 'url',
      url: 'http://cdn.example.com/b.jpg',
    });
  });

  it('rejects a Blob that claims one type and holds another', async () => {
    const jpeg = await makeSampleImage('jpeg', 8, 8);
    const error = await rejection(
      prepareMedia(new Blob([jpeg as Uint8Array<ArrayBuffer>], { type: 'image/png' }), asImage),
    );
    expect(error).toMatchObject({ code: 'invalid_input', field: 'image' });
    expect(error.message).toBe('image: claims to be PNG (its type image/png) but its bytes are JPEG');
  });

  it('rejects a data URI whose declared type is not its content', async () => {
    const gif = await makeSampleImage('gif', 8, 8);
    const error = await rejection(
      prepareMedia(encodeDataUri(gif, 'image/webp'), { field: 'referenceImage', kind: 'image' }),
    );
    expect(error.message).toContain('referenceImage: claims to be WebP');
    expect(error.message).toContain('its bytes are GIF');
  });

  it('rejects a file whose name claims another format', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'backdrop-media-'));
    const path = join(folder, 'photo.png');
    await writeFile(path, await makeSampleImage('jpeg', 8, 8));
    const error = await rejection(prepareMedia(path, { ...asImage, readLocalFile }));
    expect(error.message).toBe('image: claims to be PNG (its file name photo.png) but its bytes are JPEG');
  });

  it('reads file paths through the Node reader, and names missing files', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'backdrop-media-'));
    const path = join(folder, 'good.webp');
    await writeFile(path, await makeSampleImage('webp', 20, 30));
    const prepared = await prepareMedia(path, { ...asImage, readLocalFile });
    expect(prepared.kind === 'bytes' && [prepared.fileName, prepared.facts.width]).toEqual(['good.webp', 20]);
    const fileUrl = await prepareMedia(new URL(`file://${path}`), { ...asImage, readLocalFile });
    expect(fileUrl.kind).toBe('bytes');
    const missing = await rejection(prepareMedia(join(folder, 'nope.png'), { ...asImage, readLocalFile }));
    expect(missing.message).toContain('no such file');
  });

  it('explains that paths need the Node entry where there is no reader (browsers)', async () => {
    const error = await rejection(prepareMedia('photos/cat.png', asImage));
    expect(error.message).toBe(
      'image: "photos/cat.png" is not an http(s) URL or a data URI; file paths work in Node through @backdrop/core/node',
    );
  });

  it('rejects a video given as an image, an image given as a video, and unknown bytes', async () => {
    expect((await rejection(prepareMedia(makeVideoHeader('mp4'), asImage))).message).toBe(
      'image: must be an image (PNG, JPEG, WebP, GIF, AVIF); its bytes are MP4 (a video)',
    );
    expect((await rejection(prepareMedia(await makeSampleImage('png', 4, 4), asVideo))).message).toBe(
      'video: must be a video (MP4, MOV, WebM, MKV); its bytes are PNG (an image)',
    );
    expect(
      (await rejection(prepareMedia(new TextEncoder().encode('hello, not an image'), asImage))).message,
    ).toBe('image: must be an image (PNG, JPEG, WebP, GIF, AVIF); its bytes are not a recognised format');
    const pdf = new TextEncoder().encode('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');
    expect((await rejection(prepareMedia(pdf, asImage))).message).toContain('its bytes are PDF');
  });

  it('rejects empty input, other URL schemes and malformed data URIs', async () => {
    expect((await rejection(prepareMedia(new Uint8Array(0), asImage))).message).toBe(
      'image: is empty (0 bytes)',
    );
    expect((await rejection(prepareMedia('ftp://host/a.png', asImage))).message).toContain(
      'ftp: URLs are not accepted',
    );
    expect((await rejection(prepareMedia('data:image/png;base64,@@@', asImage))).message).toContain(
      'data URI is malformed',
    );
  });

  it('accepts WebM bytes in a file that claims MKV (WebM is a Matroska profile)', async () => {
    const prepared = await prepareMedia(
      new File([makeVideoHeader('webm') as Uint8Array<ArrayBuffer>], 'clip.mkv'),
      asVideo,
    );
    expect(prepared.kind === 'bytes' && prepared.facts.format).toBe('webm');
  });
});
