import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts', provider: 'src/provider.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // The main entry must stay browser-safe; node-only code lives behind ./node.
  platform: 'neutral',
  external: [/^node:/],
  // Keep the node: prefix, so that Node-only imports stay recognisable as such.
  removeNodeProtocol: false,
});
