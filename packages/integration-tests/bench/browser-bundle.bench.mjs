// Browser bundle size: core with one adapter, as a web app or the Figma plugin's UI would ship it
// (esbuild, minified, browser platform), raw and gzipped. Target: at most 60 KB gzipped each.
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const targetGzipBytes = 60 * 1024;
const here = dirname(fileURLToPath(import.meta.url));
const bundles = [
  {
    name: 'core + fal adapter',
    entry:
      "import { createBackdrop } from '@backdrop/core'; import { createFal } from '@backdrop/fal-adapter'; export const backdrop = createBackdrop({ providers: [createFal({ proxyUrl: '/api/fal' })] });",
  },
  {
    name: 'core + inference.sh adapter',
    entry:
      "import { createBackdrop } from '@backdrop/core'; import { createInferenceSh } from '@backdrop/inferencesh-adapter'; export const backdrop = createBackdrop({ providers: [createInferenceSh({ apiKey: 'key' })] });",
  },
];

console.log(
  `browser bundle sizes (esbuild, minified; ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version})`,
);
for (const bundle of bundles) {
  const result = await build({
    stdin: { contents: bundle.entry, resolveDir: here, loader: 'js' },
    bundle: true, // resolved from this package, as an app depending on them would

    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  const code = result.outputFiles[0].contents;
  const gzipped = gzipSync(code, { level: 9 }).byteLength;
  const largest = Object.entries(result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].inputs)
    .map(([path, input]) => [
      // Paths are relative to the working folder: outside node_modules, a file is this repository's.
      path.includes('node_modules/')
        ? path.replace(/^.*node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/, '')
        : undefined,
      input.bytesInOutput,
    ])
    .reduce((sizes, [path, bytes]) => {
      const name =
        path === undefined
          ? '@backdrop/* (this repository)'
          : path.startsWith('@')
            ? path.split('/').slice(0, 2).join('/')
            : path.split('/')[0];
      sizes.set(name, (sizes.get(name) ?? 0) + bytes);
      return sizes;
    }, new Map());
  const top = [...largest]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(1)} KB`);
  const verdict = gzipped <= targetGzipBytes ? 'within' : 'OVER';
  console.log(
    `  ${bundle.name}: ${(code.byteLength / 1024).toFixed(1)} KB raw, ${(gzipped / 1024).toFixed(1)} KB gzipped (${verdict} the ${targetGzipBytes / 1024} KB target); largest: ${top.join(', ')}`,
  );
}
