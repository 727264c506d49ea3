// Builds the plugin as Figma loads it: build/main.js (the sandbox), build/ui.html (one
// self-contained file: Figma loads the UI from a string, so scripts and styles are inlined) and
// manifest.json. BACKDROP_FAL_PROXY_URL builds it for a team whose fal key stays on its server.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { createPluginManifest } from './plugin-manifest.mjs';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const outputDirectory = join(packageRoot, 'build');
const falProxyUrl = process.env.BACKDROP_FAL_PROXY_URL || undefined;
if (falProxyUrl && !/^https?:\/\//.test(falProxyUrl)) {
  throw new Error(`BACKDROP_FAL_PROXY_URL: must be an http(s) URL; got "${falProxyUrl}"`);
}

async function buildMain() {
  await build({
    entryPoints: [join(packageRoot, 'src/main/plugin-main.ts')],
    bundle: true,
    format: 'iife',
    // Figma's sandbox runs modern JavaScript but no DOM or Node APIs.
    target: 'es2020',
    platform: 'neutral',
    outfile: join(outputDirectory, 'main.js'),
    logLevel: 'warning',
  });
}

async function buildUi() {
  const result = await build({
    entryPoints: [join(packageRoot, 'src/ui/ui-entry.tsx')],
    bundle: true,
    format: 'iife',
    // 'browser' makes any node: import fail the build: the UI is a browser page with a null origin.
    platform: 'browser',
    target: 'chrome110',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: { __BACKDROP_FAL_PROXY_URL__: JSON.stringify(falProxyUrl ?? '') },
    outdir: outputDirectory,
    write: false,
    logLevel: 'warning',
  });
  const script = result.outputFiles.find((file) => file.path.endsWith('.js'))?.text ?? '';
  const style = result.outputFiles.find((file) => file.path.endsWith('.css'))?.text ?? '';
  const html = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Backdrop</title>',
    `<style>${style}</style></head><body><div id="root"></div>`,
    // An inline script ends at the first "</script": keep the bundle from closing it early.
    `<script>${script.replaceAll('</script', '<\\/script')}</script></body></html>`,
  ].join('');
  await writeFile(join(outputDirectory, 'ui.html'), html);
  return html;
}

await mkdir(outputDirectory, { recursive: true });
const [, html] = await Promise.all([buildMain(), buildUi()]);
await writeFile(
  join(packageRoot, 'manifest.json'),
  `${JSON.stringify(createPluginManifest({ falProxyUrl }), null, 2)}\n`,
);
const kilobytes = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
console.log(
  `figma-plugin: build/ui.html ${kilobytes(Buffer.byteLength(html))} (${kilobytes(gzipSync(html).byteLength)} gzipped)${falProxyUrl ? `, fal through ${new URL(falProxyUrl).origin}` : ''}`,
);
