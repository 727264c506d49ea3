import type { ProgressEvent } from '@backdrop/core';

const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function percent(loaded: number, total: number | undefined): string {
  return total ? ` ${Math.min(100, Math.round((loaded / total) * 100))}%` : '';
}

/** What a progress event says, in a few words. */
function describeProgress(event: ProgressEvent): string {
  switch (event.type) {
    case 'uploading':
      return `${event.provider}: uploading ${event.field}${percent(event.loadedBytes, event.totalBytes)}`;
    case 'queued':
      return `${event.provider}: queued${event.position === undefined ? '' : ` (position ${event.position})`}`;
    case 'running':
      return `${event.provider}: working${event.percent === undefined ? '' : ` ${Math.round(event.percent)}%`}${event.logs.length ? ` - ${event.logs.at(-1)}` : ''}`;
    case 'downloading':
      return `${event.provider}: downloading result ${event.index + 1}${percent(event.loadedBytes, event.totalBytes)}`;
    case 'done':
      return `${event.provider}: done`;
  }
}

export interface ProgressDisplay {
  onProgress(event: ProgressEvent): void;
  /** Replaces the live line with a status of its own (batch counts). */
  status(text: string): void;
  stop(): void;
}

/**
 * Progress on stderr: a spinner line on a terminal; on anything else, one plain line each time
 * the stage changes. Silent with --json, whose stdout must hold the JSON object alone.
 */
export function createProgressDisplay(options: {
  silent: boolean;
  stream?: NodeJS.WriteStream;
}): ProgressDisplay {
  const stream = options.stream ?? process.stderr;
  if (options.silent) return { onProgress() {}, status() {}, stop() {} };
  if (!stream.isTTY) {
    let lastStage = '';
    return {
      onProgress(event) {
        const stage = event.type === 'queued' ? `queued:${event.position}` : event.type;
        if (stage === lastStage) return;
        lastStage = stage;
        stream.write(`${describeProgress(event)}\n`);
      },
      status(text) {
        stream.write(`${text}\n`);
      },
      stop() {},
    };
  }
  let text = 'starting';
  let frame = 0;
  const draw = () => stream.write(`\r\x1b[2K${spinnerFrames[frame++ % spinnerFrames.length]} ${text}`);
  const timer = setInterval(draw, 80);
  timer.unref();
  return {
    onProgress(event) {
      text = describeProgress(event);
      draw();
    },
    status(next) {
      text = next;
      draw();
    },
    stop() {
      clearInterval(timer);
      stream.write('\r\x1b[2K');
    },
  };
}
