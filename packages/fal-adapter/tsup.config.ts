import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Browser-safe like core: the adapter runs in a plugin iframe through a proxy.
  platform: 'neutral',
  external: [/^node:/],
  // Keep the node: prefix, so that Node-only imports stay recognisable as such.
  removeNodeProtocol: false,
});
