import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath, makeSampleImage } from '@backdrop/testkit';
import { describe, expect, it } from 'vitest';
import { createBackdrop, fileFromPath, lookupHost } from '../src/node.js';
import { createFakeAdapter } from './support/fake-adapter.js';

describe('@backdrop/core/node', () => {
  it('takes plain file paths, reads them lazily and uploads them', async () => {
    const adapter = createFakeAdapter({ uploads: true, synchronous: true });
    const backdrop = createBackdrop({ providers: [adapter] });
    await backdrop.removeBackground({ image: fixturePath('dogs.jpg') });
    expect(adapter.calls.upload).toEqual([
      { fileName: 'dogs.jpg', contentType: 'image/jpeg', size: 448_722 },
    ]);
  });

  it('names a missing file and a directory', async () => {
    const backdrop = createBackdrop({ providers: [createFakeAdapter({ synchronous: true })] });
    await expect(backdrop.removeBackground({ image: '/nonexistent/photo.png' })).rejects.toThrow(
      'image: "/nonexistent/photo.png": no such file',
    );
    await expect(backdrop.removeBackground({ image: tmpdir() })).rejects.toThrow('is a directory');
  });

  it('makes Files from paths', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'backdrop-node-'));
    const path = join(folder, 'tiny.png');
    const bytes = await makeSampleImage('png', 4, 4);
    await writeFile(path, bytes);
    const file = await fileFromPath(path, 'image/png');
    expect([file.name, file.type, file.size]).toEqual(['tiny.png', 'image/png', bytes.byteLength]);
  });

  it('resolves host names for the redirect check', async () => {
    expect(await lookupHost('localhost')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(127\.0\.0\.1|::1)$/)]),
    );
  });
});
