import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOrFail } from './run-command.js';

export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * Every package published to npm, by folder: each one not marked private, found rather than
 * listed, so that a new public dependency (the CLI's @backdrop/jobs) is packed too.
 */
export const publicPackages: readonly string[] = readdirSync(join(repositoryRoot, 'packages'))
  .filter((folder) => {
    const manifest = JSON.parse(
      readFileSync(join(repositoryRoot, 'packages', folder, 'package.json'), 'utf8'),
    ) as { private?: boolean };
    return manifest.private !== true;
  })
  .sort();

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
