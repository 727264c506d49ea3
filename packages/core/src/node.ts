// @backdrop/core/node: the same API with what only Node has: file paths and DNS checks.
import { lookup } from 'node:dns/promises';
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  type Backdrop,
  type BackdropOptions,
  createBackdrop as createBrowserSafeBackdrop,
} from './create-backdrop.js';
import type { HostLookup } from './download/safe-download.js';
import type { LocalFileReader } from './media/prepare-media.js';

export * from './index.js';

/** Reads a file lazily as a Blob: only the bytes that are sniffed or uploaded are read. */
export const readLocalFile: LocalFileReader = async (path) => {
  const details = await stat(path);
  if (details.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
  return { data: await openAsBlob(path), fileName: basename(path) };
};

/** Every address a host name resolves to, so redirects to private networks are refused. */
export const lookupHost: HostLookup = async (hostname) => {
  const addresses = await lookup(hostname, { all: true, verbatim: true });
  return addresses.map((entry) => entry.address);
};

/** A File for a path, for APIs that want one. */
export async function fileFromPath(path: string, contentType = ''): Promise<File> {
  const blob = await openAsBlob(path, { type: contentType });
  return new File([blob], basename(path), { type: contentType });
}

/** `createBackdrop` with file-path inputs and DNS-checked downloads. */
export function createBackdrop(options: BackdropOptions): Backdrop {
  return createBrowserSafeBackdrop({ readLocalFile, lookupHost, ...options });
}
