import { access, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { formatFromFileName, imageFormats } from '@backdrop/core';
import { stemOf } from './cli-output.js';

/** Images by core's list of formats (by name here; core sniffs the bytes before sending). */
export function isImageName(name: string): boolean {
  const format = formatFromFileName(name);
  return format !== undefined && (imageFormats as readonly string[]).includes(format);
}

/**
 * Output bases: `<stem>.<op>`, or `<name>.<op>` when two inputs share a stem (a.png and a.jpg),
 * so that each input has results of its own. Stable for a given folder, so reruns find them.
 */
export function outputBases(
  inputs: readonly string[],
  operation: string,
  folder: string,
): Map<string, string> {
  const stems = new Map<string, number>();
  for (const name of inputs) stems.set(stemOf(name), (stems.get(stemOf(name)) ?? 0) + 1);
  return new Map(
    inputs.map((name) => [
      name,
      join(folder, `${(stems.get(stemOf(name)) ?? 0) > 1 ? name : stemOf(name)}.${operation}`),
    ]),
  );
}

export const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * The images of a batch folder, each with its output base, split into those still to run and
 * those whose result is already in the output folder (a rerun skips them).
 */
export async function listBatchInputs(directory: string, outputDirectory: string, operation: string) {
  const inputs = (await readdir(directory)).filter(isImageName).sort();
  const bases = outputBases(inputs, operation, outputDirectory);
  const existing = (await readdir(outputDirectory)).filter(
    (file) => !file.endsWith('.job.json') && !file.endsWith('.partial'),
  );
  const finished = (name: string) => {
    const base = basename(bases.get(name) ?? '');
    return existing.some((file) => {
      const rest = file.startsWith(base) ? file.slice(base.length) : undefined;
      return rest !== undefined && /^(-1)?\.[a-z0-9]+$/i.test(rest);
    });
  };
  return {
    inputs,
    bases,
    toRun: inputs.filter((name) => !finished(name)),
    alreadyDone: inputs.filter(finished),
  };
}
