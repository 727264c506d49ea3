import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../src/cli-arguments.js';
import { createFrameMeter, createProgressDisplay } from '../src/cli-progress.js';

describe('backdrop: video progress and --format', () => {
  it('shows frames done, the rate and the time left', () => {
    let now = 0;
    const meter = createFrameMeter(() => now);
    expect(meter({ done: 1, total: 247 })).toBe('1/247 frames');
    now = 2000;
    expect(meter({ done: 13, total: 247 })).toBe('13/247 frames, 6.0 fps, 39 s left');
    now = 10_000;
    expect(meter({ done: 61, total: 247 })).toBe('61/247 frames, 6.0 fps, 31 s left');
    expect(meter({ done: 62 })).toBe('62 frames, 6.1 fps');
  });

  it('logs frames every tenth of the video when stderr is not a terminal', () => {
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (chunk: Buffer) => {
      written += chunk.toString();
    });
    const display = createProgressDisplay({ silent: false, stream: stream as unknown as NodeJS.WriteStream });
    for (let done = 1; done <= 40; done++)
      display.onProgress({ type: 'running', provider: 'local', logs: [], frames: { done, total: 40 } });
    const lines = written.trim().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toMatch(/^local: 1\/40 frames/);
    expect(lines.at(-1)).toMatch(/^local: 40\/40 frames/);
  });

  it('takes --format, refusing JPEG for a cut-out', () => {
    expect(parseCommandLine(['replace', 'a.jpg', '--color', 'white', '--format', 'jpg'])).toMatchObject({
      format: 'jpeg',
    });
    expect(parseCommandLine(['remove', 'a.jpg', '--format', 'webp'])).toMatchObject({ format: 'webp' });
    expect(() => parseCommandLine(['remove', 'a.jpg', '--format', 'jpeg'])).toThrow(
      '--format must be png or webp; got "jpeg"',
    );
  });
});
