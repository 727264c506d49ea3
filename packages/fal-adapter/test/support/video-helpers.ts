import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeVideo } from '@backdrop/testkit';

export { namedColors } from '@backdrop/core';
export { makeSampleVideo, readVideoFrame } from '@backdrop/testkit';

export async function probeVideoBytes(bytes: Uint8Array) {
  const path = join(await mkdtemp(join(tmpdir(), 'backdrop-probe-')), 'video');
  await writeFile(path, bytes);
  return probeVideo(path);
}
