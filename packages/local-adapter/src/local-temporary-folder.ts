import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const openFolders = new Set<string>();

/**
 * A caller that stops (Ctrl-C in the CLI) may exit while work is still unwinding, before its
 * `finally` runs: folders still open then are removed as the process exits, so no copy of the
 * caller's video and no half-written output is left behind.
 */
function removeOpenFoldersOnExit(): void {
  for (const folder of openFolders) rmSync(folder, { recursive: true, force: true });
}

/** Runs `work` in a new temporary folder, removed afterwards, or at exit at the latest. */
export async function withTemporaryFolder<T>(
  prefix: string,
  work: (folder: string) => Promise<T>,
): Promise<T> {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  if (openFolders.size === 0) process.once('exit', removeOpenFoldersOnExit);
  openFolders.add(folder);
  try {
    return await work(folder);
  } finally {
    await rm(folder, { recursive: true, force: true });
    openFolders.delete(folder);
    if (openFolders.size === 0) process.removeListener('exit', removeOpenFoldersOnExit);
  }
}
