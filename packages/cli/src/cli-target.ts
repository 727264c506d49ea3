import { stat } from 'node:fs/promises';
import { dirname, join, parse, resolve } from 'node:path';
import { UsageError } from './cli-arguments.js';
import { defaultOutputBase, numberedPaths, splitOutput, stemOf } from './cli-output.js';

/** Where outputs go: a base name without extension (`<stem>.<op>` beside the input), or `-o <path>`. */
export interface OutputTarget {
  base: string;
  /** The extension `-o` asked for; else the result's type decides. */
  extension?: string | undefined;
}

/** Extensions an operation may write when `-o` names none: the type of the result decides. */
const likelyExtensions: Readonly<Record<string, readonly string[]>> = {
  remove: ['png', 'webp'],
  replace: ['png', 'jpg', 'webp'],
  video: ['webm', 'mp4', 'mov', 'mkv'],
};

async function statOrUndefined(path: string) {
  return stat(path).catch(() => undefined);
}

/** The nearest folder that exists above a path must be a folder: a file there can never hold it. */
async function assertParentUsable(path: string, command: string): Promise<void> {
  for (let parent = dirname(resolve(path)); ; parent = dirname(parent)) {
    const details = await statOrUndefined(parent);
    if (details?.isDirectory()) return;
    if (details)
      throw new UsageError(
        `-o ${path}: ${parent} is a file, not a folder, so nothing can be written there`,
        command,
      );
    if (parent === parse(parent).root) return;
  }
}

/**
 * Resolves and checks where results will go, before anything is sent: `-o` naming an existing
 * folder writes `<stem>.<op>.<ext>` inside it; a missing folder is created at write time; a path
 * whose parent is a file, a device, or the input itself is refused (exit 2, nothing sent).
 */
export async function resolveTarget(
  input: string,
  operation: string,
  output: string | undefined,
  options: { command: string; count?: number | undefined },
): Promise<OutputTarget> {
  if (output === undefined) return { base: defaultOutputBase(input, operation) };
  const { command } = options;
  const existing = await statOrUndefined(output);
  if (existing?.isDirectory()) return { base: join(output, `${stemOf(input)}.${operation}`) };
  if (existing && !existing.isFile())
    throw new UsageError(
      `-o ${output} is a device or special file, not a file a result can be written to`,
      command,
    );
  await assertParentUsable(output, command);
  const target = splitOutput(output);
  const extensions = target.extension ? [target.extension] : (likelyExtensions[operation] ?? []);
  if (!/^https?:\/\//i.test(input)) {
    const inputPath = resolve(input);
    const clash = extensions
      .flatMap((extension) => numberedPaths(target.base, extension, options.count ?? 1))
      .find((path) => resolve(path) === inputPath);
    if (clash !== undefined)
      throw new UsageError(`-o ${output} would overwrite the input ${input}; choose another path`, command);
  }
  return target;
}
