import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { foregroundMask } from './image-processing.js';

interface Encoding {
  extension: string;
  contentType: string;
  video: string[];
  alpha?: string[];
  audio?: string[];
}

// The codecs, written fast: the emulator's outputs are checked for codec, alpha and audio, not quality.
const h264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
const h265 = [
  '-c:v',
  'libx265',
  '-preset',
  'ultrafast',
  '-pix_fmt',
  'yuv420p',
  '-x265-params',
  'log-level=error',
];
/** The tag Apple players need for H.265, valid in MP4 and MOV only. */
const h265AppleTag = ['-tag:v', 'hvc1'];
const vp9Speed = ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8'];
const vp9 = {
  video: [...vp9Speed, '-pix_fmt', 'yuv420p'],
  alpha: [...vp9Speed, '-pix_fmt', 'yuva420p', '-auto-alt-ref', '0'],
};
const aac = ['-c:a', 'aac'];
const pcm = ['-c:a', 'pcm_s16le'];

const mp4 = { extension: 'mp4', contentType: 'video/mp4' };
const mov = { extension: 'mov', contentType: 'video/quicktime' };
const mkv = { extension: 'mkv', contentType: 'video/x-matroska' };

/** How each `container_codec` name the providers document is written with ffmpeg. */
const encodings: Readonly<Record<string, Encoding>> = {
  mp4_h264: { ...mp4, video: h264, audio: aac },
  mp4_h265: { ...mp4, video: [...h265, ...h265AppleTag], audio: aac },
  webm_vp9: { extension: 'webm', contentType: 'video/webm', ...vp9, audio: ['-c:a', 'libopus'] },
  mov_h264: { ...mov, video: h264, audio: aac },
  mov_h265: { ...mov, video: [...h265, ...h265AppleTag], audio: aac },
  mov_proresks: {
    ...mov,
    video: ['-c:v', 'prores_ks', '-profile:v', '3', '-pix_fmt', 'yuv422p10le'],
    alpha: ['-c:v', 'prores_ks', '-profile:v', '4', '-pix_fmt', 'yuva444p10le'],
    audio: pcm,
  },
  mkv_h264: { ...mkv, video: h264, audio: aac },
  mkv_h265: { ...mkv, video: h265, audio: aac },
  mkv_vp9: { ...mkv, ...vp9, audio: ['-c:a', 'libopus'] },
  mkv_mpeg4: { ...mkv, video: ['-c:v', 'mpeg4'], audio: aac },
  avi_h264: { extension: 'avi', contentType: 'video/x-msvideo', video: h264, audio: pcm },
  gif: { extension: 'gif', contentType: 'image/gif', video: ['-c:v', 'gif'] },
};

export const videoEncodingNames = Object.keys(encodings);

export interface VideoProbe {
  width: number;
  height: number;
  framesPerSecond: number;
  durationSeconds: number;
  hasAudio: boolean;
  codec: string | undefined;
  pixelFormat: string | undefined;
}

function run(command: string, args: string[], input?: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => errors.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(output))
        : reject(new Error(`${command} failed: ${Buffer.concat(errors).toString().slice(-500)}`)),
    );
    if (input && child.stdin) input.pipe(child.stdin);
  });
}

/** Reads a video's size, rate, length and streams with ffprobe. */
export async function probeVideo(path: string): Promise<VideoProbe> {
  const output = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=codec_type,codec_name,width,height,r_frame_rate,pix_fmt:format=duration',
    '-of',
    'json',
    path,
  ]);
  const probe = JSON.parse(output.toString()) as {
    streams: Array<{
      codec_type: string;
      codec_name?: string;
      width?: number;
      height?: number;
      r_frame_rate?: string;
      pix_fmt?: string;
    }>;
    format: { duration?: string };
  };
  const video = probe.streams.find((stream) => stream.codec_type === 'video');
  const [numerator = 0, denominator = 1] = (video?.r_frame_rate ?? '0/1').split('/').map(Number);
  return {
    width: video?.width ?? 0,
    height: video?.height ?? 0,
    framesPerSecond: denominator ? numerator / denominator : 0,
    durationSeconds: Number(probe.format.duration ?? 0),
    hasAudio: probe.streams.some((stream) => stream.codec_type === 'audio'),
    codec: video?.codec_name,
    pixelFormat: video?.pix_fmt,
  };
}

export interface VideoBackgroundOptions {
  /** `transparent`, or the colour to put behind the subject. */
  background: 'transparent' | readonly [number, number, number];
  encoding: string;
  keepAudio: boolean;
}

/**
 * Removes a video's background frame by frame (the image emulators' segmentation), then encodes
 * the result in the asked container and codec, with alpha where the codec carries it.
 */
export async function removeVideoBackground(
  input: Uint8Array,
  options: VideoBackgroundOptions,
): Promise<{ bytes: Uint8Array; contentType: string; extension: string; probe: VideoProbe }> {
  const encoding = encodings[options.encoding];
  if (!encoding) throw new Error(`unknown encoding ${options.encoding}`);
  const folder = await mkdtemp(join(tmpdir(), 'backdrop-video-'));
  try {
    const source = join(folder, 'input');
    await writeFile(source, input);
    const probe = await probeVideo(source);
    const { width, height } = probe;
    const frameBytes = width * height * 4;
    // A codec without alpha cannot show "transparent": such frames go over black instead.
    const background =
      options.background === 'transparent' && !encoding.alpha ? ([0, 0, 0] as const) : options.background;
    const raw = await run('ffmpeg', ['-v', 'error', '-i', source, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-']);
    const frames = Math.floor(raw.byteLength / frameBytes);
    const processed = Buffer.alloc(frames * frameBytes);
    for (let frame = 0; frame < frames; frame++) {
      const data = raw.subarray(frame * frameBytes, (frame + 1) * frameBytes);
      const mask = foregroundMask({ data, width, height });
      for (let pixel = 0; pixel < width * height; pixel++) {
        const offset = frame * frameBytes + pixel * 4;
        const alpha = mask[pixel] ?? 0;
        if (background === 'transparent') {
          data.copy(processed, offset, pixel * 4, pixel * 4 + 3);
          processed[offset + 3] = alpha;
        } else {
          const weight = alpha / 255;
          for (let channel = 0; channel < 3; channel++) {
            processed[offset + channel] = Math.round(
              (data[pixel * 4 + channel] ?? 0) * weight + (background[channel] ?? 0) * (1 - weight),
            );
          }
          processed[offset + 3] = 255;
        }
      }
    }
    const rawPath = join(folder, 'frames.rgba');
    await writeFile(rawPath, processed);
    const output = join(folder, `output.${encoding.extension}`);
    const withAudio = options.keepAudio && probe.hasAudio && encoding.audio;
    const videoArguments = background === 'transparent' && encoding.alpha ? encoding.alpha : encoding.video;
    await run('ffmpeg', [
      '-v',
      'error',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgba',
      '-s',
      `${width}x${height}`,
      '-r',
      String(probe.framesPerSecond || 25),
      '-i',
      rawPath,
      ...(withAudio ? ['-i', source, '-map', '0:v', '-map', '1:a', ...(encoding.audio ?? [])] : ['-an']),
      ...videoArguments,
      '-y',
      output,
    ]);
    return {
      bytes: new Uint8Array(await readFile(output)),
      contentType: encoding.contentType,
      extension: encoding.extension,
      probe: await probeVideo(output),
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** A short real video: a red box on white, with a tone when asked. */
export async function makeSampleVideo(
  options: { width?: number; height?: number; seconds?: number; fps?: number; audio?: boolean } = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const { width = 160, height = 120, seconds = 1, fps = 10, audio = false } = options;
  const folder = await mkdtemp(join(tmpdir(), 'backdrop-sample-video-'));
  try {
    const output = join(folder, 'sample.mp4');
    await run('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `color=c=white:s=${width}x${height}:d=${seconds}:r=${fps}`,
      ...(audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`] : []),
      '-vf',
      `drawbox=x=${Math.round(width / 4)}:y=${Math.round(height / 4)}:w=${Math.round(width / 3)}:h=${Math.round(height / 2)}:color=red:t=fill`,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      ...(audio ? ['-c:a', 'aac', '-shortest'] : []),
      '-y',
      output,
    ]);
    return new Uint8Array(await readFile(output));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Decodes one frame to RGBA (with alpha where the codec carries it), for tests. */
export async function readVideoFrame(
  video: Uint8Array,
  frameIndex = 0,
): Promise<{ data: Buffer; width: number; height: number }> {
  const folder = await mkdtemp(join(tmpdir(), 'backdrop-frame-'));
  try {
    const path = join(folder, 'video');
    await writeFile(path, video);
    const probe = await probeVideo(path);
    // libvpx is needed to decode VP9 alpha; ffmpeg's native decoder drops it.
    const decoder = probe.codec === 'vp9' ? ['-c:v', 'libvpx-vp9'] : [];
    const raw = await run('ffmpeg', [
      '-v',
      'error',
      ...decoder,
      '-i',
      path,
      '-vf',
      `select=eq(n\\,${frameIndex})`,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgba',
      '-',
    ]);
    return { data: raw, width: probe.width, height: probe.height };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
