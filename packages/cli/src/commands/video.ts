import type { BackgroundInput, VideoContainer } from '@backdrop/core';
import type { Command } from '../cli-arguments.js';
import { describeResult, runSession, saveOutputs, targetFor } from '../cli-session.js';

/** `--background`: transparent, blur, a colour name or #rrggbb, else an image file or URL. */
function backgroundOf(value: string | undefined): BackgroundInput | undefined {
  if (value === undefined) return undefined;
  if (value === 'transparent' || value === 'blur' || /^#[0-9a-f]{6}$/i.test(value) || /^[a-z]+$/i.test(value))
    return value.toLowerCase();
  return { type: 'image', image: value };
}

export function run(command: Extract<Command, { name: 'video' }>): Promise<number> {
  return runSession(command, async ({ backdrop, signal, progress }) => {
    const background = backgroundOf(command.background);
    const result = await backdrop.removeVideoBackground({
      video: command.input,
      ...(background !== undefined ? { background } : {}),
      ...(command.container !== undefined ? { container: command.container as VideoContainer } : {}),
      ...(command.audio ? {} : { keepAudio: false }),
      provider: command.provider,
      signal,
      onProgress: progress.onProgress,
      download: true,
    });
    return describeResult(
      result,
      await saveOutputs(result, targetFor(command.input, 'video', command.output)),
    );
  });
}
