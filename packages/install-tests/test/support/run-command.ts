import { spawn } from 'node:child_process';
import { delimiter } from 'node:path';

export interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Set by pnpm, npx and vitest for the running script: flags to npm, or a way into the repository. */
const toolVariables = /^(npm_|pnpm_|vitest|NODE_PATH$|NODE_OPTIONS$|INIT_CWD$)/i;
/** Provider keys: nothing here may reach a real provider. */
const providerVariables = /^(FAL_KEY|INFERENCE_API_KEY|BACKDROP_)/;

/**
 * The environment of a developer's shell, outside this repository: none of the variables the
 * test runners set (pnpm's `NODE_PATH` would let the project resolve the repository's packages),
 * no node_modules folder on PATH, no provider keys.
 */
export function developerEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (toolVariables.test(name) || providerVariables.test(name)) continue;
    environment[name] = value;
  }
  // A CI's npm cache, named in upper case (pnpm sets only lower-case npm_config_ variables).
  if (process.env.NPM_CONFIG_CACHE) environment.NPM_CONFIG_CACHE = process.env.NPM_CONFIG_CACHE;
  environment.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((folder) => !folder.includes('node_modules'))
    .join(delimiter);
  return { ...environment, ...extra };
}

/** Runs a command to its end, timed; the caller checks the exit code. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CommandRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? developerEnvironment() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 }),
    );
  });
}

/** Runs a command and fails with its output when it does not exit 0. */
export async function runOrFail(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CommandRun> {
  const run = await runCommand(command, args, options);
  if (run.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${run.code}\n${run.stdout}\n${run.stderr}`);
  }
  return run;
}
