import { access, mkdir, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type BackdropResult, formatFromFileName, imageFormats, type ProgressEvent } from '@backdrop/core';
import type { Command } from '../cli-arguments.js';
import { handleFilePath, readHandleFile, removeHandleFile } from '../cli-handle-file.js';
import { stemOf } from '../cli-output.js';
import { errorJson, exitCodeFor, exitCodes, wasSent } from '../cli-report.js';
import { runAndSave, runSession, type Session, saveOutputs } from '../cli-session.js';
import type { OutputTarget } from '../cli-target.js';
import { replaceRequest } from './replace-request.js';

interface Outcome {
  done: Array<{ input: string; outputs: string[]; estimatedCostUsd: number | undefined; resumed?: boolean }>;
  failed: Array<{ input: string; error: unknown }>;
  skipped: string[];
  /** Files in flight when Ctrl-C came: their jobs were cancelled, nothing was written. */
  interrupted: string[];
}

/** The batch's cost, added up once for both reports: known prices, and how many had none. */
function totalCost(outcome: Outcome): { usd: number; unpriced: number } {
  let usd = 0;
  let unpriced = 0;
  for (const entry of outcome.done) {
    if (entry.estimatedCostUsd === undefined) unpriced++;
    else usd += entry.estimatedCostUsd;
  }
  return { usd: Math.round(usd * 1e6) / 1e6, unpriced };
}

function summary(outcome: Outcome): string {
  const cost = totalCost(outcome);
  const rows = [
    ['done', String(outcome.done.length)],
    ['failed', String(outcome.failed.length)],
    ['skipped', `${outcome.skipped.length}${outcome.skipped.length ? ' (already done)' : ''}`],
    ...(outcome.interrupted.length ? [['interrupted', String(outcome.interrupted.length)]] : []),
    ['estimated cost', `$${cost.usd}${cost.unpriced ? ` (+${cost.unpriced} at an unknown price)` : ''}`],
  ];
  const table = rows.map(([label, value]) => `${(label ?? '').padEnd(15)}${value}`).join('\n');
  const reasons = outcome.failed
    .map(({ input, error }) => `  ${input}: ${errorJson(error).error.message}`)
    .join('\n');
  return reasons ? `${table}\nfailures:\n${reasons}` : table;
}

/**
 * The exit code of a whole batch: 0 when nothing failed; 2 only when nothing was sent at all;
 * 1 when the only failures were refused before sending while others went through; else the
 * code of the first failure that was sent (3 refused, 4 failed); 130 after Ctrl-C.
 */
function batchExitCode(outcome: Outcome): number {
  if (outcome.interrupted.length > 0) return exitCodes.interrupted;
  if (outcome.failed.length === 0) return exitCodes.done;
  const sentFailure = outcome.failed.find(({ error }) => wasSent(error));
  if (sentFailure) return exitCodeFor(sentFailure.error);
  return outcome.done.length > 0 ? exitCodes.partial : exitCodeFor(outcome.failed[0]?.error);
}

/** Images by core's list of formats (by name here; core sniffs the bytes before sending). */
function isImageName(name: string): boolean {
  const format = formatFromFileName(name);
  return format !== undefined && (imageFormats as readonly string[]).includes(format);
}

/**
 * Output bases: `<stem>.<op>`, or `<name>.<op>` when two inputs share a stem (a.png and a.jpg),
 * so that each input has results of its own. Stable for a given folder, so reruns find them.
 */
function outputBases(inputs: readonly string[], operation: string, folder: string): Map<string, string> {
  const stems = new Map<string, number>();
  for (const name of inputs) stems.set(stemOf(name), (stems.get(stemOf(name)) ?? 0) + 1);
  return new Map(
    inputs.map((name) => [
      name,
      join(folder, `${(stems.get(stemOf(name)) ?? 0) > 1 ? name : stemOf(name)}.${operation}`),
    ]),
  );
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Every image in a folder, with at most `concurrency` provider jobs in flight. A file whose result is already in --out is
 * skipped, and one whose paid job was kept (`<base>.job.json`) is resumed, so an interrupted
 * batch goes on where it stopped without paying twice; a failure is recorded and the rest go on.
 * Results are written whole or not at all. After Ctrl-C the summary is still reported.
 */
export async function run(command: Extract<Command, { name: 'batch' }>): Promise<number> {
  const outcome: Outcome = { done: [], failed: [], skipped: [], interrupted: [] };
  const session = { ...command, maxConcurrentJobs: command.concurrency };
  return runSession(session, async ({ backdrop, signal, progress }: Session) => {
    await mkdir(command.outputDirectory, { recursive: true });
    const inputs = (await readdir(command.directory)).filter(isImageName).sort();
    const bases = outputBases(inputs, command.operation, command.outputDirectory);
    const existing = (await readdir(command.outputDirectory)).filter(
      (file) => !file.endsWith('.job.json') && !file.endsWith('.partial'),
    );
    const finished = (name: string) => {
      const base = basename(bases.get(name) ?? '');
      return existing.some((file) => {
        const rest = file.startsWith(base) ? file.slice(base.length) : undefined;
        return rest !== undefined && /^(-1)?\.[a-z0-9]+$/i.test(rest);
      });
    };
    const queue = inputs.filter((name) => {
      if (!finished(name)) return true;
      outcome.skipped.push(name);
      return false;
    });
    const show = () => {
      const count = outcome.done.length + outcome.failed.length + outcome.skipped.length;
      const filled = inputs.length ? Math.round((count / inputs.length) * 20) : 20;
      progress.status(
        `[${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${count}/${inputs.length}: ${outcome.done.length} done, ${outcome.failed.length} failed, ${outcome.skipped.length} skipped`,
      );
    };
    // The files in hand beyond the jobs in flight join once a first job has started, so that
    // they do not slow the first uploads down.
    let markStarted: () => void = () => undefined;
    const firstJobStarted = new Promise<void>((resolve) => {
      markStarted = resolve;
    });
    const onProgress = (event: ProgressEvent) => {
      if (event.type !== 'uploading') markStarted();
    };
    const runOne = async (name: string, target: OutputTarget): Promise<void> => {
      const kept = handleFilePath(target);
      if (await exists(kept)) {
        // A paid job from an earlier run: fetch its result rather than paying for a new one.
        const file = await readHandleFile(kept);
        const result = await backdrop.resumeJob(file.handle).wait({ signal, download: true });
        const outputs = await saveOutputs(result, target);
        await removeHandleFile(kept);
        outcome.done.push({ input: name, outputs, estimatedCostUsd: result.estimatedCostUsd, resumed: true });
        return;
      }
      const input = join(command.directory, name);
      const { result, paths } = await runAndSave(
        target,
        (): Promise<BackdropResult> =>
          command.operation === 'remove'
            ? backdrop.removeBackground({
                image: input,
                provider: command.provider,
                signal,
                download: true,
                onProgress,
              })
            : backdrop.replaceBackground({
                ...replaceRequest(input, command),
                provider: command.provider,
                signal,
                download: true,
                onProgress,
              }),
      );
      outcome.done.push({ input: name, outputs: paths, estimatedCostUsd: result.estimatedCostUsd });
    };
    show();
    const worker = async () => {
      for (let name = queue.shift(); name !== undefined && !signal.aborted; name = queue.shift()) {
        try {
          await runOne(name, { base: bases.get(name) ?? '' });
        } catch (error) {
          if (signal.aborted) outcome.interrupted.push(name);
          else outcome.failed.push({ input: name, error });
        }
        markStarted();
        show();
      }
    };
    // Twice as many files in hand as jobs in flight: while `concurrency` jobs run, the next files
    // are read and uploaded (and finished ones downloaded), so a job starts as soon as one ends.
    const inHand = Math.min(command.concurrency * 2, Math.max(1, queue.length));
    await Promise.all(
      Array.from({ length: inHand }, (_, index) =>
        index < command.concurrency ? worker() : firstJobStarted.then(worker),
      ),
    );
    const cost = totalCost(outcome);
    return {
      human: summary(outcome),
      json: {
        done: outcome.done,
        failed: outcome.failed.map(({ input, error }) => ({ input, ...errorJson(error) })),
        skipped: outcome.skipped,
        interrupted: outcome.interrupted,
        estimatedCostUsd: cost.usd,
        unpricedCount: cost.unpriced,
      },
      exitCode: batchExitCode(outcome),
    };
  });
}
