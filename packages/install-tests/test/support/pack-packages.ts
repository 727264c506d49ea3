import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOrFail } from './run-command.js';

export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Every package published to npm, by folder. */
export const publicPackages = ['core', 'fal-adapter', 'inferencesh-adapter', 'local-adapter', 'cli'] as const;

/**
 * Packs each public package with pnpm, as publishing does (`workspace:` ranges become versions),
 * and returns the tarballs' paths. pnpm is the repository's own (a root development dependency).
 */
export async function packPublicPackages(destination: string): Promise<string[]> {
  const pnpm = join(repositoryRoot, 'node_modules/pnpm/bin/pnpm.cjs');
  const tarballs: string[] = [];
  for (const name of publicPackages) {
    const run = await runOrFail(process.execPath, [pnpm, 'pack', '--pack-destination', destination], {
      cwd: join(repositoryRoot, 'packages', name),
    });
    const tarball = run.stdout
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line.endsWith('.tgz'));
    if (!tarball) throw new Error(`pnpm pack named no tarball for ${name}:\n${run.stdout}`);
    tarballs.push(tarball.startsWith('/') ? tarball : join(destination, tarball));
  }
  return tarballs;
}
