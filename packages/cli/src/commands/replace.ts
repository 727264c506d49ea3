import type { Command } from '../cli-arguments.js';
import { describeResult, runSession, saveOutputs, targetFor } from '../cli-session.js';
import { replaceRequest } from './replace-request.js';

export function run(command: Extract<Command, { name: 'replace' }>): Promise<number> {
  return runSession(command, async ({ backdrop, signal, progress }) => {
    const result = await backdrop.replaceBackground({
      ...replaceRequest(command.input, command),
      ...(command.format !== undefined ? { outputFormat: command.format } : {}),
      provider: command.provider,
      signal,
      onProgress: progress.onProgress,
      download: true,
    });
    return describeResult(
      result,
      await saveOutputs(result, targetFor(command.input, 'replace', command.output)),
    );
  });
}
