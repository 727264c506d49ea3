import type { Command } from '../cli-arguments.js';
import { describeResult, runAndSave, runSession } from '../cli-session.js';
import { resolveTarget } from '../cli-target.js';
import { replaceRequest } from './replace-request.js';

export function run(command: Extract<Command, { name: 'replace' }>): Promise<number> {
  return runSession(command, async ({ backdrop, signal, progress }) => {
    const target = await resolveTarget(command.input, 'replace', command.output, {
      command: 'replace',
      count: command.count,
    });
    const { result, paths } = await runAndSave(target, () =>
      backdrop.replaceBackground({
        ...replaceRequest(command.input, command),
        ...(command.format !== undefined ? { outputFormat: command.format } : {}),
        provider: command.provider,
        signal,
        onProgress: progress.onProgress,
        download: true,
      }),
    );
    return describeResult(result, paths);
  });
}
