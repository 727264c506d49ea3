import { mkdir, readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { type BackdropResult, isBackdropError, toBackdropError } from '@backdrop/core';
import type { Command } from '../cli-arguments.js';
import { stemOf } from '../cli-output.js';
import { errorJson, exitCodeFor, exitCodes } from '../cli-report.js';
import { runSession, saveOutputs } from '../cli-session.js';
import { replaceRequest } from './replace-request.js';

const imageExtensions = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.avif']);

interface Outcome {
  done: Array<{ input: string; outputs: string[]; estimatedCostUsd: number | undefined }>;
  failed: Array<{ input: string; error: unknown }>;
  skipped: string[];
}

function summary(outcome: Outcome): string {
  const costs = outcome.done.map((entry) => entry.estimatedCostUsd);
  const known = costs.filter((cost): cost is number => cost !== undefined);
  const total = Math.round(known.reduce((sum, cost) => sum + cost, 0) * 1e6) / 1e6;
  const unknown = costs.length - known.length;
  const rows = [
    ['done', String(outcome.done.length)],
    ['failed', String(outcome.failed.length)],
    ['skipped', `${outcome.skipped.length}${outcome.skipped.length ? ' (already done)' : ''}`],
    ['estimated cost', `$${total}${unknown ? ` (+${unknown} at an unknown price)` : ''}`],
  ];
  const table = rows.map(([label, value]) => `${(label ?? '').padEnd(15)}${value}`).join('\n');
  const reasons = outcome.failed
    .map(({ input, error }) => `  ${input}: ${errorJson(error).error.message}`)
    .join('\n');
  return reasons ? `${table}\nfailures:\n${reasons}` : table;
}

/**
 * Every image in a folder, `concurrency` at a time. A file whose result is already in --out is
 * skipped, so an interrupted batch resumes where it stopped; a failure is recorded and the rest
 * go on. Results are written whole or not at all.
 */
export async function run(command: Extract<Command, { name: 'batch' }>): Promise<number> {
  const outcome: Outcome = { done: [], failed: [], skipped: [] };
  let batchError: unknown;
  const code = await runSession(command, async ({ backdrop, signal, progress }) => {
    await mkdir(command.outputDirectory, { recursive: true });
    const inputs = (await readdir(command.directory))
      .filter((name) => imageExtensions.has(extname(name).toLowerCase()))
      .sort();
    const existing = new Set(await readdir(command.outputDirectory));
    const finished = (name: string) => {
      const prefix = `${stemOf(name)}.${command.operation}`;
      return [...existing].some((file) => file.startsWith(`${prefix}.`) || file.startsWith(`${prefix}-1.`));
    };
    const queue = inputs.filter((name) => {
      if (!finished(name)) return true;
      outcome.skipped.push(name);
      return false;
    });
    const show = () => {
      const finishedCount = outcome.done.length + outcome.failed.length + outcome.skipped.length;
      const filled = inputs.length ? Math.round((finishedCount / inputs.length) * 20) : 20;
      progress.status(
        `[${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${finishedCount}/${inputs.length}: ${outcome.done.length} done, ${outcome.failed.length} failed, ${outcome.skipped.length} skipped`,
      );
    };
    show();
    const worker = async () => {
      for (let name = queue.shift(); name !== undefined && !signal.aborted; name = queue.shift()) {
        const input = join(command.directory, name);
        try {
          const result: BackdropResult =
            command.operation === 'remove'
              ? await backdrop.removeBackground({
                  image: input,
                  provider: command.provider,
                  signal,
                  download: true,
                })
              : await backdrop.replaceBackground({
                  ...replaceRequest(input, command),
                  provider: command.provider,
                  signal,
                  download: true,
                });
          const outputs = await saveOutputs(result, {
            base: join(command.outputDirectory, `${stemOf(name)}.${command.operation}`),
          });
          outcome.done.push({ input: name, outputs, estimatedCostUsd: result.estimatedCostUsd });
        } catch (error) {
          if (signal.aborted) throw error;
          outcome.failed.push({ input: name, error });
        }
        show();
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(command.concurrency, Math.max(1, queue.length)) }, worker),
    );
    if (outcome.failed.length > 0) batchError = outcome.failed[0]?.error;
    return {
      human: summary(outcome),
      json: {
        done: outcome.done,
        failed: outcome.failed.map(({ input, error }) => ({ input, ...errorJson(error) })),
        skipped: outcome.skipped,
        estimatedCostUsd: outcome.done.every((entry) => entry.estimatedCostUsd !== undefined)
          ? Math.round(outcome.done.reduce((sum, entry) => sum + (entry.estimatedCostUsd ?? 0), 0) * 1e6) /
            1e6
          : null,
      },
    };
  });
  if (code !== exitCodes.done || batchError === undefined) return code;
  // Some files failed: the exit code says how the first failure went.
  return exitCodeFor(isBackdropError(batchError) ? batchError : toBackdropError(batchError));
}
