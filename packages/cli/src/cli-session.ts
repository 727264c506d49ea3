import { type Backdrop, type BackdropResult, createBackdrop } from '@backdrop/core/node';
import type { ProviderChoice } from './cli-arguments.js';
import {
  defaultOutputBase,
  extensionFor,
  numberedPaths,
  splitOutput,
  writeAtomically,
} from './cli-output.js';
import { createProgressDisplay, type ProgressDisplay } from './cli-progress.js';
import { createAdapters } from './cli-providers.js';
import { describeError, errorJson, exitCodeFor, exitCodes } from './cli-report.js';

export interface Session {
  backdrop: Backdrop;
  signal: AbortSignal;
  progress: ProgressDisplay;
}

/**
 * Runs one command: providers from the environment, Ctrl-C wired to abort (which cancels the
 * provider's job), progress on stderr, and the outcome reported with its exit code.
 */
export async function runSession(
  options: { provider: ProviderChoice | undefined; json: boolean },
  work: (session: Session) => Promise<{ human: string; json: unknown }>,
): Promise<number> {
  const controller = new AbortController();
  const interrupt = () => {
    if (controller.signal.aborted) process.exit(exitCodes.interrupted);
    controller.abort();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  const progress = createProgressDisplay({ silent: options.json });
  try {
    const backdrop = createBackdrop({ providers: await createAdapters(options.provider) });
    const outcome = await work({ backdrop, signal: controller.signal, progress });
    progress.stop();
    process.stdout.write(options.json ? `${JSON.stringify(outcome.json)}\n` : `${outcome.human}\n`);
    return exitCodes.done;
  } catch (error) {
    progress.stop();
    const code = controller.signal.aborted ? exitCodes.interrupted : exitCodeFor(error);
    if (options.json) process.stdout.write(`${JSON.stringify(errorJson(error))}\n`);
    else
      process.stderr.write(
        `${code === exitCodes.interrupted ? 'Interrupted: the provider job was cancelled and nothing was written.' : describeError(error)}\n`,
      );
    return code;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

/** Where outputs go: `-o <path>`, or a base name (no extension) such as `<stem>.<op>` beside the input. */
export type OutputTarget = { output: string } | { base: string };

/** Writes a result's outputs, numbered when there are several, with the extension of their type. */
export async function saveOutputs(result: BackdropResult, target: OutputTarget): Promise<string[]> {
  const first = result.outputs[0];
  const extension = extensionFor(first?.contentType, first?.url);
  const { base, extension: chosen } =
    'output' in target ? splitOutput(target.output) : { base: target.base, extension: undefined };
  const paths = numberedPaths(base, chosen ?? extension, result.outputs.length);
  const contents = await Promise.all(result.outputs.map((file) => file.bytes()));
  await Promise.all(paths.map((path, index) => writeAtomically(path, contents[index] ?? new Uint8Array())));
  return paths;
}

/** `-o` when given, else `<stem>.<operation>` beside the input. */
export function targetFor(input: string, operation: string, output: string | undefined): OutputTarget {
  return output ? { output } : { base: defaultOutputBase(input, operation) };
}

/** The success report of one operation: a line per file, or the `--json` object. */
export function describeResult(result: BackdropResult, paths: string[]): { human: string; json: unknown } {
  const cost = result.estimatedCostUsd === undefined ? '' : `, about $${result.estimatedCostUsd}`;
  return {
    human: paths.map((path) => `Wrote ${path} (${result.provider}, ${result.model}${cost})`).join('\n'),
    json: {
      provider: result.provider,
      model: result.model,
      requestId: result.requestId ?? null,
      outputs: paths,
      seed: result.seed ?? null,
    },
  };
}
