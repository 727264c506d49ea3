import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repositoryRoot } from './pack-packages.js';

export interface ReadmeExample {
  /** The TypeScript block under "Use the library", as written. */
  source: string;
  /** The refusal its last comment quotes for `provider: 'inferencesh'`. */
  quotedRefusal: string;
}

export async function readReadmeExample(): Promise<ReadmeExample> {
  const readme = await readFile(join(repositoryRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use the library'));
  const source = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!source) throw new Error('README.md has no ts block under "Use the library"');
  const quotedRefusal = /\/\/ "(invalid_input [^"]+)"/.exec(source)?.[1];
  if (!quotedRefusal) throw new Error("the README example quotes no refusal for provider: 'inferencesh'");
  return { source, quotedRefusal };
}
