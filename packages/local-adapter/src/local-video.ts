import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BackdropError, type VideoContainer } from '@backdrop/core/provider';
import type { LocalBackground } from './local-compose.js';
import type { ModelSource } from './local-model.js';
import { withTemporaryFolder } from './local-temporary-folder.js';
import { createFrameComposer } from './local-video-compose.js';
import { createVideoMatte, type MattedFrame } from './local-video-matte.js';

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
      'stream=width,height,r_frame_rate,nb_frames:format=duration',
      '-of',
      'json',
      path,
    ],
    options.signal,
  );
  const probed = JSON.parse(output.toString()) as {
    streams: Array<{ width: number; height: number; r_frame_rate: string; nb_frames?: string }>;
    format?: { duration?: string };
  };
  const stream = probed.streams[0];
  if (!stream)
    throw new BackdropError({
      code: 'invalid_input',
      provider: 'local',
      field: 'video',
      message: 'video: the file has no video stream',
    });
  const [numerator = 25, denominator = 1] = stream.r_frame_rate.split('/').map(Number);
  const framesPerSecond = denominator ? numerator / denominator : 25;
  // WebM and Matroska do not count their frames: the duration gives an estimate.
  const counted = Number(stream.nb_frames);
  const duration = Number(probed.format?.duration);
  return {
    width: stream.width,
    height: stream.height,
    framesPerSecond,
    frameCount: counted > 0 ? counted : duration > 0 ? Math.round(duration * framesPerSecond) : undefined,
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
 * matted (see local-video-matte.ts) and composed, another ffmpeg encodes (with the input's audio
 * when asked). Decoding, the model and encoding overlap: the next frame's mask is computed while
 * the previous frame is composed and written. Frames stream through, so memory holds a few
 * frames, not the video.
 */
export async function processVideo(
  video: Uint8Array,
  options: LocalVideoOptions,
  onFrame?: (done: number, total: number | undefined) => void,
): Promise<{ bytes: Uint8Array; contentType: string; durationSeconds: number }> {
  const encoding = encodings[options.container];
  if (!encoding)
    throw new BackdropError({
      code: 'invalid_input',
      provider: 'local',
      field: 'container',
      message: `container: the local engine writes ${localVideoContainers.join(', ')}`,
    });
  return withTemporaryFolder('backdrop-local-video-', async (folder) => {
    const source = join(folder, 'input');
    await writeFile(source, video);
    const { width, height, framesPerSecond, frameCount } = await probe(source, options);
    const composer = await createFrameComposer(options.background, width, height);
    const matte = createVideoMatte(options.source, width, height);
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
        composer.channels === 4 ? 'rgba' : 'rgb24',
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
      // An encoder that is gone (killed on abort, or failed) refuses what is still written to it:
      // that ends the work with the encoder's own error, never as an unhandled EPIPE.
      encoder.stdin?.on('error', reject);
      // Stopped: both ffmpegs go at once (on SIGTERM the encoder would wait for the rest of its
      // input to finish the file), and the work ends with the caller's reason.
      options.signal.addEventListener(
        'abort',
        () => {
          decoder.kill('SIGKILL');
          encoder.stdin?.destroy();
          encoder.kill('SIGKILL');
          reject(options.signal.reason);
        },
        { once: true },
      );
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
    // Chunks are gathered until a frame is complete: joining each 64 KB chunk onto the rest
    // would copy megabytes per frame.
    let chunks: Buffer[] = [];
    let buffered = 0;
    let index = 0;
    const write = async (frame: Buffer, alpha: Promise<Buffer>) => {
      const composed = await composer.compose(frame, await alpha);
      if (!encoder.stdin?.write(composed))
        await new Promise((resolve) => encoder.stdin?.once('drain', resolve));
      onFrame?.(++index, frameCount);
    };
    let writing = Promise.resolve();
    // Each frame is written while the next one's mask is computed.
    const send = async (frames: MattedFrame[]) => {
      for (const { pixels, alpha } of frames) {
        // Stopped: no frame more is matted, written or reported.
        options.signal.throwIfAborted();
        await writing;
        writing = write(pixels, alpha);
        // Awaited with the next frame; handled now so that a failure is not reported as unhandled meanwhile.
        writing.catch(() => undefined);
      }
    };
    const work = (async () => {
      for await (const chunk of decoder.stdout as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        buffered += chunk.byteLength;
        if (buffered < frameBytes) continue;
        let pending = Buffer.concat(chunks);
        while (pending.byteLength >= frameBytes) {
          const frame = pending.subarray(0, frameBytes);
          pending = pending.subarray(frameBytes);
          await send(await matte.push(frame));
        }
        chunks = [pending];
        buffered = pending.byteLength;
      }
      await send(await matte.flush());
      await writing;
      await decoded;
      encoder.stdin?.end();
      await encoded;
    })();
    try {
      await Promise.race([work, failure]);
    } catch (error) {
      // A decoder that failed by itself is the root cause of whatever broke after it (the matte or
      // the encoder fed a cut stream): its error is the one reported, once its exit is seen.
      const decoderFailure = options.signal.aborted
        ? undefined
        : await Promise.race([
            decoded.then(
              () => undefined,
              (failed: unknown) => failed,
            ),
            new Promise<undefined>((resolve) => setTimeout(resolve, 1_000)),
          ]);
      decoder.kill();
      encoder.kill();
      throw decoderFailure ?? error;
    }
    return {
      bytes: new Uint8Array(await readFile(output)),
      contentType: encoding.contentType,
      durationSeconds: index / framesPerSecond,
    };
  });
}
