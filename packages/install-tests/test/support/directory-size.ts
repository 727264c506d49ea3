import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The bytes of every file under a folder (links counted as links, not followed). */
export async function directorySize(path: string): Promise<number> {
  const entries = await readdir(path, { withFileTypes: true });
  let total = 0;
  for (const entry of entries) {
    const child = join(path, entry.name);
    total += entry.isDirectory() ? await directorySize(child) : (await lstat(child)).size;
  }
  return total;
}
