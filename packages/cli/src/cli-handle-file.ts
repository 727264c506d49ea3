import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { JobHandle } from '@backdrop/core';
import { UsageError } from './cli-arguments.js';
import { writeAllOrNothing } from './cli-output.js';
import type { OutputTarget } from './cli-target.js';

/** What `backdrop resume` needs: the paid job, and where its result goes. */
export interface HandleFile {
  backdrop: 'job';
  version: 1;
  /** The job as the provider knows it (core's plain-JSON handle). */
  handle: JobHandle;
  target: OutputTarget;
}

/** `<output>.job.json` beside where the result was to be written. */
export function handleFilePath(target: OutputTarget): string {
  return `${target.base}${target.extension ? `.${target.extension}` : ''}.job.json`;
}

/**
 * Saves a paid job's handle so `backdrop resume` can fetch its result without a new job. Beside
 * the output when that folder takes it, else in the working folder, else the temp folder: the
 * handle is what keeps the money, so it must land somewhere.
 */
export async function saveHandleFile(handle: JobHandle, target: OutputTarget): Promise<string | undefined> {
  const preferred = handleFilePath(target);
  const content: HandleFile = { backdrop: 'job', version: 1, handle, target };
  const bytes = new TextEncoder().encode(`${JSON.stringify(content, null, 2)}\n`);
  for (const path of [preferred, basename(preferred), join(tmpdir(), basename(preferred))]) {
    try {
      await writeAllOrNothing([{ path, bytes }]);
      return path;
    } catch {
      // try the next place
    }
  }
  return undefined;
}

export async function readHandleFile(path: string): Promise<HandleFile> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${path} is not a readable job handle file (${(error as Error).message})`, 'resume');
  }
  const file = parsed as Partial<HandleFile>;
  if (file?.backdrop !== 'job' || typeof file.handle !== 'object' || typeof file.target?.base !== 'string')
    throw new UsageError(`${path} is not a job handle file written by backdrop`, 'resume');
  return file as HandleFile;
}

export async function removeHandleFile(path: string): Promise<void> {
  await rm(path, { force: true });
}
