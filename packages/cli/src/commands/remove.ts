import type { Command } from '../cli-arguments.js';
import { describeResult, runSession, saveOutputs, targetFor } from '../cli-session.js';

export function run(command: Extract<Command, { name: 'remove' }>): Promise<number> {
  return runSession(command, async ({ backdrop, signal, progress }) => {
    const result = await backdrop.removeBackground({
      image: command.input,
      ...(command.format !== undefined ? { outputFormat: command.format } : {}),
      provider: command.provider,
      signal,
      onProgress: progress.onProgress,
      download: true,
    });
    return describeResult(
      result,
      await saveOutputs(result, targetFor(command.input, 'remove', command.output)),
    );
  });
}
