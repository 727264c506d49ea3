import type { FrameProgress, ProgressEvent } from '@backdrop/core';

const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function percent(loaded: number, total: number | undefined): string {
  return total ? ` ${Math.min(100, Math.round((loaded / total) * 100))}%` : '';
}

function duration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  return whole < 60 ? `${whole} s` : `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/**
 * Frames done, the rate since the first frame and the time left at that rate:
 * "48/247 frames, 6.2 fps, 32 s left".
 */
export function createFrameMeter(now: () => number = () => performance.now()) {
  let first: { at: number; done: number } | undefined;
  return (frames: FrameProgress): string => {
    const at = now();
    first ??= { at, done: frames.done };
    const seconds = (at - first.at) / 1000;
    const rate = seconds > 0 ? (frames.done - first.done) / seconds : 0;
    const total = frames.total === undefined ? '' : `/${frames.total}`;
    const left =
      frames.total !== undefined && rate > 0 ? `, ${duration((frames.total - frames.done) / rate)} left` : '';
    return `${frames.done}${total} frames${rate > 0 ? `, ${rate.toFixed(1)} fps` : ''}${left}`;
  };
}

/** What a progress event says, in a few words. */
function describeProgress(event: ProgressEvent, meter: ReturnType<typeof createFrameMeter>): string {
  switch (event.type) {
    case 'uploading':
      return `${event.provider}: uploading ${event.field}${percent(event.loadedBytes, event.totalBytes)}`;
    case 'queued':
      return `${event.provider}: queued${event.position === undefined ? '' : ` (position ${event.position})`}`;
    case 'running':
      if (event.frames) return `${event.provider}: ${meter(event.frames)}`;
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
  const meter = createFrameMeter();
  if (!stream.isTTY) {
    let lastStage = '';
    return {
      onProgress(event) {
        // Frame counts go to a log every tenth of the video, not every frame.
        const frames = event.type === 'running' ? event.frames : undefined;
        const tenth = frames?.total ? Math.floor((frames.done * 10) / frames.total) : undefined;
        const stage = event.type === 'queued' ? `queued:${event.position}` : `${event.type}${tenth ?? ''}`;
        const text = describeProgress(event, meter);
        if (stage === lastStage) return;
        lastStage = stage;
        stream.write(`${text}\n`);
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
      text = describeProgress(event, meter);
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
