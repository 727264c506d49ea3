import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackdropError, type VideoContainer } from '@backdrop/core/provider';
import sharp from 'sharp';
import { composite, cutout, type LocalBackground } from './local-compose.js';
import type { ModelSource } from './local-model.js';
import { segment } from './local-segmentation.js';

/** The containers the local engine writes, and how (VP9 and ProRes 4444 keep alpha). */
const encodings: Partial<
  Record<
    VideoContainer,
    { extension: string; contentType: string; video: string[]; alpha?: string[]; audio: string[] }
  >
> = {
  mp4_h264: {
    extension: 'mp4',
    contentType: 'video/mp4',
    video: ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'],
    audio: ['-c:a', 'aac'],
  },
  webm_vp9: {
    extension: 'webm',
    contentType: 'video/webm',
    video: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-pix_fmt', 'yuv420p'],
    alpha: [
      '-c:v',
      'libvpx-vp9',
      '-deadline',
      'realtime',
      '-cpu-used',
      '8',
      '-pix_fmt',
      'yuva420p',
      '-auto-alt-ref',
      '0',
    ],
    audio: ['-c:a', 'libopus'],
  },
  mov_proresks: {
    extension: 'mov',
    contentType: 'video/quicktime',
    video: ['-c:v', 'prores_ks', '-profile:v', '3', '-pix_fmt', 'yuv422p10le'],
    alpha: ['-c:v', 'prores_ks', '-profile:v', '4', '-pix_fmt', 'yuva444p10le'],
    audio: ['-c:a', 'pcm_s16le'],
  },
};

export const localVideoContainers = Object.keys(encodings) as VideoContainer[];

export interface LocalVideoOptions {
  background: LocalBackground | { type: 'transparent' };
  container: VideoContainer;
  keepAudio: boolean;
  source: ModelSource;
  ffmpegPath: string;
  ffprobePath: string;
  signal: AbortSignal;
}

function ffmpegMissing(path: string): BackdropError {
  return new BackdropError({
    code: 'unsupported',
    provider: 'local',
    message: `the local engine needs ffmpeg for video and found none at "${path}": install it (Debian: apt-get install ffmpeg) or set ffmpegPath`,
  });
}

function run(command: string, args: string[], signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    const output: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => errors.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? ffmpegMissing(command) : error),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(output))
        : reject(new Error(`${command}: ${Buffer.concat(errors).toString().slice(-400)}`)),
    );
  });
}

async function probe(path: string, options: LocalVideoOptions) {
  const output = await run(
    options.ffprobePath,
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=width,height,r_frame_rate',
      '-of',
      'json',
      path,
    ],
    options.signal,
  );
  const stream = (
    JSON.parse(output.toString()) as {
      streams: Array<{ width: number; height: number; r_frame_rate: string }>;
    }
  ).streams[0];
  if (!stream)
    throw new BackdropError({
      code: 'invalid_input',
      provider: 'local',
      field: 'video',
      message: 'video: the file has no video stream',
    });
  const [numerator = 25, denominator = 1] = stream.r_frame_rate.split('/').map(Number);
  return {
    width: stream.width,
    height: stream.height,
    framesPerSecond: denominator ? numerator / denominator : 25,
  };
}

function waitForExit(child: ChildProcess, name: string): Promise<void> {
  const errors: Buffer[] = [];
  child.stderr?.on('data', (chunk: Buffer) => errors.push(chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${name} failed: ${Buffer.concat(errors).toString().slice(-400)}`)),
    );
  });
}

/**
 * Removes a video's background frame by frame: one ffmpeg decodes to raw frames, each frame is
 * segmented and composed, another ffmpeg encodes (with the input's audio when asked). Frames
 * stream through, so memory holds a few frames, not the video.
 */
export async function processVideo(
  video: Uint8Array,
  options: LocalVideoOptions,
  onFrame?: (index: number) => void,
): Promise<{ bytes: Uint8Array; contentType: string; durationSeconds: number }> {
  const encoding = encodings[options.container];
  if (!encoding)
    throw new BackdropError({
      code: 'invalid_input',
      provider: 'local',
      field: 'container',
      message: `container: the local engine writes ${localVideoContainers.join(', ')}`,
    });
  const folder = await mkdtemp(join(tmpdir(), 'backdrop-local-video-'));
  try {
    const source = join(folder, 'input');
    await writeFile(source, video);
    const { width, height, framesPerSecond } = await probe(source, options);
    const output = join(folder, `output.${encoding.extension}`);
    const transparent = options.background.type === 'transparent';
    const decoder = spawn(
      options.ffmpegPath,
      ['-v', 'error', '-i', source, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
      { signal: options.signal },
    );
    const encoder = spawn(
      options.ffmpegPath,
      [
        '-v',
        'error',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgba',
        '-s',
        `${width}x${height}`,
        '-r',
        String(framesPerSecond),
        '-i',
        '-',
        ...(options.keepAudio ? ['-i', source, '-map', '0:v', '-map', '1:a?', ...encoding.audio] : ['-an']),
        ...(transparent && encoding.alpha ? encoding.alpha : encoding.video),
        '-y',
        output,
      ],
      { signal: options.signal, stdio: ['pipe', 'ignore', 'pipe'] },
    );
    const failure = new Promise<never>((_, reject) => {
      for (const child of [decoder, encoder]) {
        child.on('error', (error: NodeJS.ErrnoException) =>
          reject(error.code === 'ENOENT' ? ffmpegMissing(options.ffmpegPath) : error),
        );
      }
    });
    const encoded = waitForExit(encoder, 'the encoder');
    // A decoder that fails half-way ends its output early: without its exit code, the video
    // would come out truncated with no error.
    const decoded = waitForExit(decoder, 'the decoder').catch((error: Error) => {
      throw new BackdropError({
        code: 'invalid_input',
        provider: 'local',
        field: 'video',
        message: `video: ffmpeg could not decode it to the end (${error.message.replace(/\s+/g, ' ').trim()})`,
      });
    });
    // Awaited below; a failure elsewhere first must not leave these rejections unhandled.
    encoded.catch(() => undefined);
    decoded.catch(() => undefined);
    const frameBytes = width * height * 3;
    let pending = Buffer.alloc(0);
    let index = 0;
    const work = (async () => {
      for await (const chunk of decoder.stdout as AsyncIterable<Buffer>) {
        pending = Buffer.concat([pending, chunk]);
        while (pending.byteLength >= frameBytes) {
          const frame = pending.subarray(0, frameBytes);
          pending = pending.subarray(frameBytes);
          const image = sharp(frame, { raw: { width, height, channels: 3 } });
          const mask = await segment(image, width, height, options.source);
          const composed =
            options.background.type === 'transparent'
              ? await cutout(image, mask)
              : await composite(image, mask, options.background);
          const rgba = await composed.ensureAlpha().raw().toBuffer();
          if (!encoder.stdin?.write(rgba))
            await new Promise((resolve) => encoder.stdin?.once('drain', resolve));
          onFrame?.(index++);
        }
      }
      await decoded;
      encoder.stdin?.end();
      await encoded;
    })();
    try {
      await Promise.race([work, failure]);
    } catch (error) {
      decoder.kill();
      encoder.kill();
      throw error;
    }
    return {
      bytes: new Uint8Array(await readFile(output)),
      contentType: encoding.contentType,
      durationSeconds: index / framesPerSecond,
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
