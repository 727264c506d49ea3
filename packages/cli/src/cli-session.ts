import {
  type Backdrop,
  type BackdropResult,
  createBackdrop,
  isBackdropError,
  toBackdropError,
} from '@backdrop/core/node';
import type { ProviderChoice } from './cli-arguments.js';
import { saveHandleFile } from './cli-handle-file.js';
import { extensionFor, numberedPaths, writeAllOrNothing } from './cli-output.js';
import { createProgressDisplay, type ProgressDisplay } from './cli-progress.js';
import { createAdapters, privateAddressesAllowed } from './cli-providers.js';
import { describeError, errorJson, exitCodeFor, exitCodes, KeptJobError } from './cli-report.js';
import type { OutputTarget } from './cli-target.js';

export interface Session {
  backdrop: Backdrop;
  signal: AbortSignal;
  progress: ProgressDisplay;
}

/** What a command reports: a human line, the `--json` object, and an exit code when not 0. */
export interface CommandOutcome {
  human: string;
  json: unknown;
  exitCode?: number | undefined;
}

/**
 * Runs one command: providers from the environment, Ctrl-C wired to abort (which cancels the
 * provider's job), progress on stderr, and the outcome reported with its exit code.
 */
export async function runSession(
  options: {
    provider: ProviderChoice | undefined;
    json: boolean;
    /** Provider jobs in flight at most (a batch's --concurrency). */
    maxConcurrentJobs?: number | undefined;
  },
  work: (session: Session) => Promise<CommandOutcome>,
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
    const backdrop = createBackdrop({
      providers: await createAdapters(options.provider),
      allowPrivateAddresses: privateAddressesAllowed(),
      maxConcurrentJobs: options.maxConcurrentJobs,
    });
    const outcome = await work({ backdrop, signal: controller.signal, progress });
    progress.stop();
    process.stdout.write(options.json ? `${JSON.stringify(outcome.json)}\n` : `${outcome.human}\n`);
    return outcome.exitCode ?? exitCodes.done;
  } catch (error) {
    progress.stop();
    const interrupted = controller.signal.aborted && !(error instanceof KeptJobError);
    const code = interrupted ? exitCodes.interrupted : exitCodeFor(error);
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

/**
 * Keeps a paid job that could not finish here: its handle goes to `<output>.job.json` and the
 * error says so. Only for failures after the provider accepted the job that a later fetch can
 * mend (transient ones); a job that failed or was cancelled has nothing to resume.
 */
async function keepJob(error: unknown, target: OutputTarget): Promise<never> {
  const backdropError = isBackdropError(error) ? error : undefined;
  if (!backdropError?.handle || !backdropError.retryable || backdropError.code === 'aborted') throw error;
  throw new KeptJobError(backdropError, await saveHandleFile(backdropError.handle, target), 'downloaded');
}

/** Writes a result's outputs, numbered when there are several, all or none of them. */
export async function saveOutputs(result: BackdropResult, target: OutputTarget): Promise<string[]> {
  const first = result.outputs[0];
  const paths = numberedPaths(
    target.base,
    target.extension ?? extensionFor(first?.contentType, first?.url),
    result.outputs.length,
  );
  try {
    const contents = await Promise.all(result.outputs.map((file) => file.bytes()));
    await writeAllOrNothing(
      paths.map((path, index) => ({ path, bytes: contents[index] ?? new Uint8Array() })),
    );
  } catch (thrown) {
    const downloadFailed = isBackdropError(thrown);
    const error = downloadFailed
      ? thrown
      : toBackdropError(thrown, result.provider).with({
          retryable: false,
          message: `writing ${paths.join(', ')} failed (${(thrown as Error).message})`,
        });
    // A free local result costs nothing to make again; a paid one is kept for `backdrop resume`.
    if (result.estimatedCostUsd === 0) throw error;
    const written = downloadFailed ? 'downloaded' : 'written';
    const kept = error.with({ requestId: result.requestId, handle: result.handle });
    throw new KeptJobError(kept, await saveHandleFile(result.handle, target), written);
  }
  return paths;
}

/** Runs one job and writes its result; a paid job that cannot finish here is kept for resume. */
export async function runAndSave(
  target: OutputTarget,
  run: () => Promise<BackdropResult>,
): Promise<{ result: BackdropResult; paths: string[] }> {
  const result = await run().catch((error) => keepJob(error, target));
  return { result, paths: await saveOutputs(result, target) };
}

/** The success report of one operation: a line per file, or the `--json` object. */
export function describeResult(result: BackdropResult, paths: string[]): CommandOutcome {
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
