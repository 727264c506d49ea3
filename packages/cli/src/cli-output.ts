import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';

const extensions: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
  'video/webm': 'webm',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/x-matroska': 'mkv',
  'video/x-msvideo': 'avi',
};

/** The file extension for an output, from its type, else its URL. */
export function extensionFor(contentType: string | undefined, url: string | undefined): string {
  const known = contentType ? extensions[contentType.split(';')[0]?.trim() ?? ''] : undefined;
  if (known) return known;
  const fromUrl = url && !url.startsWith('data:') ? extname(new URL(url).pathname).slice(1) : '';
  return fromUrl || 'bin';
}

/** `<stem>` of an input: a file's name, or a URL's last path segment, without its extension. */
export function stemOf(input: string): string {
  const name = /^https?:\/\//i.test(input)
    ? basename(new URL(input).pathname) || 'download'
    : basename(input);
  return name.replace(/\.[^.]+$/, '') || 'output';
}

/** Where results go by default: beside a file input (as the user wrote its path), or in the working folder for a URL. */
export function defaultOutputBase(input: string, operation: string): string {
  const name = `${stemOf(input)}.${operation}`;
  return /^https?:\/\//i.test(input) ? name : join(dirname(input), name);
}

/** One path for one result, or `-1`, `-2`, ... for several. `base` has no extension. */
export function numberedPaths(base: string, extension: string, count: number): string[] {
  if (count === 1) return [`${base}.${extension}`];
  return Array.from({ length: count }, (_, index) => `${base}-${index + 1}.${extension}`);
}

/** Splits `-o out.png` into its base and extension. */
export function splitOutput(output: string): { base: string; extension: string | undefined } {
  const extension = extname(output);
  return extension
    ? { base: output.slice(0, -extension.length), extension: extension.slice(1) }
    : { base: output, extension: undefined };
}

/** Writes a file whole or not at all: an interrupted run leaves no partial output behind. */
export async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
