import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { directorySize } from './directory-size.js';
import { runOrFail } from './run-command.js';

export interface InstallMeasure {
  seconds: number;
  /** Bytes under node_modules after the install. */
  bytes: number;
}

/**
 * An empty npm project, as a developer starts one. Its `.npmrc` holds only what the README says
 * to put there: without it, onnxruntime-node's install script fetches CUDA libraries on Linux x64.
 */
export async function createFreshProject(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
  await writeFile(
    join(path, 'package.json'),
    `${JSON.stringify({ name: 'backdrop-install-check', private: true, type: 'module' }, null, 2)}\n`,
  );
  await writeFile(join(path, '.npmrc'), 'onnxruntime-node-install=skip\n');
}

/** `npm install <specs>` with no flags, timed, and the size of node_modules after it. */
export async function npmInstall(project: string, specs: readonly string[]): Promise<InstallMeasure> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = await runOrFail(npm, ['install', ...specs], { cwd: project });
  return { seconds: run.seconds, bytes: await directorySize(join(project, 'node_modules')) };
}
