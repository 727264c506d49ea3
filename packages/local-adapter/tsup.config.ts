import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Node only: onnxruntime-node, sharp and ffmpeg.
  platform: 'node',
  external: [/^node:/],
  // Keep the node: prefix, so that Node-only imports stay recognisable as such.
  removeNodeProtocol: false,
});
