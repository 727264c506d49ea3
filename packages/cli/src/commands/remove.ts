import type { Command } from '../cli-arguments.js';
import { describeResult, runAndSave, runSession } from '../cli-session.js';
import { resolveTarget } from '../cli-target.js';

export function run(command: Extract<Command, { name: 'remove' }>): Promise<number> {
  return runSession(command, async ({ backdrop, signal, progress }) => {
    const target = await resolveTarget(command.input, 'remove', command.output, { command: 'remove' });
    const { result, paths } = await runAndSave(target, () =>
      backdrop.removeBackground({
        image: command.input,
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
