import { type BackgroundInput, isBackgroundShorthand, type VideoContainer } from '@backdrop/core';
import type { Command } from '../cli-arguments.js';
import { describeResult, runAndSave, runSession } from '../cli-session.js';
import { resolveTarget } from '../cli-target.js';

/** `--background`: core's shorthand (transparent, blur, a colour name or #rrggbb), else an image file or URL. */
function backgroundOf(value: string | undefined): BackgroundInput | undefined {
  if (value === undefined) return undefined;
  return isBackgroundShorthand(value) ? value.toLowerCase() : { type: 'image', image: value };
}

export function run(command: Extract<Command, { name: 'video' }>): Promise<number> {
  return runSession(command, async ({ backdrop, signal, progress }) => {
    const target = await resolveTarget(command.input, 'video', command.output, { command: 'video' });
    const background = backgroundOf(command.background);
    const { result, paths } = await runAndSave(target, () =>
      backdrop.removeVideoBackground({
        video: command.input,
        ...(background !== undefined ? { background } : {}),
        ...(command.container !== undefined ? { container: command.container as VideoContainer } : {}),
        ...(command.audio ? {} : { keepAudio: false }),
        provider: command.provider,
        signal,
        onProgress: progress.onProgress,
        download: true,
      }),
    );
    return describeResult(result, paths);
  });
}
