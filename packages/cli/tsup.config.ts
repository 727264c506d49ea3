import { defineConfig } from 'tsup';

export default defineConfig({
  // One entry per command, so `backdrop --help` loads none of them.
  entry: ['src/backdrop.ts', 'src/commands/*.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
  removeNodeProtocol: false,
});
