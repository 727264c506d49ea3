import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** What a web app or the Figma plugin's UI ships for core and one adapter (bench/ prints the breakdown). */
const targetGzipBytes = 60 * 1024;

async function gzippedBundle(entry: string): Promise<number> {
  const result = await build({
    stdin: { contents: entry, resolveDir: import.meta.dirname, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'error',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild wrote no bundle');
  return gzipSync(output.contents, { level: 9 }).byteLength;
}

describe('browser bundle size', () => {
  it.each([
    [
      'fal',
      "import { createFal } from '@backdrop/fal-adapter'; const adapter = createFal({ proxyUrl: '/api/fal' });",
    ],
    [
      'inference.sh',
      "import { createInferenceSh } from '@backdrop/inferencesh-adapter'; const adapter = createInferenceSh({ apiKey: 'key' });",
    ],
  ])('keeps core with the %s adapter within 60 KB gzipped', async (_name, adapter) => {
    const bytes = await gzippedBundle(
      `import { createBackdrop } from '@backdrop/core'; ${adapter} export const backdrop = createBackdrop({ providers: [adapter] });`,
    );
    expect(bytes).toBeLessThanOrEqual(targetGzipBytes);
  });
});
