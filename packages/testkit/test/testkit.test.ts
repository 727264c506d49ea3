import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureNames, readFixture } from '../src/fixtures.js';
import { type MediaServer, startMediaServer } from '../src/media-server.js';
import { makeSampleImage, makeVideoHeader } from '../src/sample-media.js';

let server: MediaServer;
beforeAll(async () => {
  server = await startMediaServer();
});
afterAll(() => server.close());

describe('testkit', () => {
  it.each(['png', 'jpeg', 'webp', 'gif', 'avif'] as const)(
    'makes a real %s of the asked size',
    async (format) => {
      const metadata = await sharp(await makeSampleImage(format, 30, 20)).metadata();
      expect([
        metadata.format === 'heif' ? 'avif' : metadata.format,
        metadata.width,
        metadata.height,
      ]).toEqual([format === 'jpeg' ? 'jpeg' : format, 30, 20]);
    },
  );

  it('writes container headers with the documented signatures', () => {
    expect(new TextDecoder().decode(makeVideoHeader('mp4').subarray(4, 12))).toBe('ftypisom');
    expect(new TextDecoder().decode(makeVideoHeader('mov').subarray(4, 12))).toBe('ftypqt  ');
    expect(Array.from(makeVideoHeader('webm').subarray(0, 4))).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
    expect(new TextDecoder().decode(makeVideoHeader('mkv'))).toContain('matroska');
  });

  it('ships every fixture', async () => {
    for (const name of fixtureNames) expect((await readFixture(name)).byteLength).toBeGreaterThan(1000);
  });

  it('serves files with and without a length, redirects, statuses, and records requests', async () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const fixed = await fetch(server.addFile('/a.bin', bytes, 'application/octet-stream'));
    expect(fixed.headers.get('content-length')).toBe('8');
    expect(fixed.headers.get('access-control-allow-origin')).toBe('*');
    expect(new Uint8Array(await fixed.arrayBuffer())).toEqual(bytes);
    const chunked = await fetch(
      server.addFile('/b.bin', bytes, 'application/octet-stream', { chunked: true }),
    );
    expect(chunked.headers.get('content-length')).toBeNull();
    expect(new Uint8Array(await chunked.arrayBuffer())).toEqual(bytes);
    const redirect = await fetch(server.addRedirect('/r', '/a.bin', 307), { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([307, '/a.bin']);
    expect((await fetch(server.addStatus('/busy', 503))).status).toBe(503);
    expect((await fetch(`${server.origin}/nothing`)).status).toBe(404);
    expect(server.requests.map((request) => request.path)).toEqual([
      '/a.bin',
      '/b.bin',
      '/r',
      '/busy',
      '/nothing',
    ]);
  });
});
