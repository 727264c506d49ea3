import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { fileExtensionOfFormat, formatFromContentType } from '@backdrop/core';

/** The file extension for an output, from its type (core's table), else its URL. */
export function extensionFor(contentType: string | undefined, url: string | undefined): string {
  const format = formatFromContentType(contentType);
  if (format) return fileExtensionOfFormat[format];
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

const temporaryPath = (path: string) => join(dirname(path), `.${basename(path)}.${process.pid}.partial`);

/**
 * Writes a set of files all or nothing: every file goes to a temporary name first, then each is
 * renamed into place; when any step fails, what was written is removed, so an interrupted or
 * failed run never leaves a partial set (`--count 3` with two results) behind. Missing folders
 * are created.
 */
export async function writeAllOrNothing(
  files: ReadonlyArray<{ path: string; bytes: Uint8Array }>,
): Promise<void> {
  const temporaries: string[] = [];
  const placed: string[] = [];
  try {
    for (const file of files) {
      await mkdir(dirname(file.path), { recursive: true });
      const temporary = temporaryPath(file.path);
      temporaries.push(temporary);
      await writeFile(temporary, file.bytes);
    }
    for (const [index, file] of files.entries()) {
      await rename(temporaries[index] ?? '', file.path);
      placed.push(file.path);
    }
  } catch (error) {
    await Promise.all([...temporaries, ...placed].map((path) => rm(path, { force: true })));
    throw error;
  }
}
