import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackdrop, type FrameProgress } from '@backdrop/core/node';
import { fixturePath } from '@backdrop/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLocal } from '../src/index.js';
import { flicker, intersectionOverUnion } from './mask-measures.js';

const backdrop = createBackdrop({ providers: [createLocal()] });
const width = 1280;
const height = 720;
let folder: string;

function ffmpeg(args: string[], input?: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-v', 'error', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(output)) : reject(new Error(Buffer.concat(errors).toString())),
    );
    child.stdin.end(input);
  });
}

let written = 0;

/** The alpha plane of each frame of a video or an image (from a file: a MOV cannot be read from a pipe). */
async function alphaPlanes(bytes: Uint8Array): Promise<Buffer[]> {
  const path = join(folder, `output-${written++}`);
  await writeFile(path, bytes);
  const rgba = await ffmpeg(['-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1']);
  const planes: Buffer[] = [];
  for (let offset = 0; offset < rgba.length; offset += width * height * 4) {
    const plane = Buffer.allocUnsafe(width * height);
    for (let pixel = 0; pixel < width * height; pixel++)
      plane[pixel] = rgba[offset + pixel * 4 + 3] as number;
    planes.push(plane);
  }
  return planes;
}

/** A transparent ProRes 4444 (its alpha is near lossless) of the clip, through the video path. */
async function videoMattes(clip: string): Promise<{ planes: Buffer[]; progress: FrameProgress[] }> {
  const progress: FrameProgress[] = [];
  const result = await backdrop.removeVideoBackground({
    video: clip,
    container: 'mov_proresks',
    onProgress: (event) => {
      if (event.type === 'running' && event.frames) progress.push(event.frames);
    },
  });
  return { planes: await alphaPlanes((await result.outputs[0]?.bytes()) ?? new Uint8Array()), progress };
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'backdrop-video-quality-'));
  const juggle = fixturePath('05_default_juggle.mp4');
  // One second of the juggling clip, and a still shot: its first frame held with a little
  // sensor-like noise, so that every frame differs slightly as a real camera's would.
  await ffmpeg(['-i', juggle, '-frames:v', '24', '-c', 'copy', join(folder, 'moving.mp4')]);
  await ffmpeg(['-i', juggle, '-frames:v', '1', join(folder, 'still.png')]);
  await ffmpeg([
    ...['-loop', '1', '-i', join(folder, 'still.png'), '-vf', 'noise=alls=3:allf=t', '-frames:v', '16'],
    ...['-r', '24', '-c:v', 'libx264', '-crf', '20', '-pix_fmt', 'yuv420p', join(folder, 'still.mp4')],
  ]);
}, 60_000);

describe('local engine: video mattes as good as the image path', () => {
  it('matches the image cut-out of the same frames (IoU at least 0.9), reporting each frame', async ({
    annotate,
  }) => {
    const { planes, progress } = await videoMattes(join(folder, 'moving.mp4'));
    expect(planes).toHaveLength(24);
    expect(progress.at(-1)).toEqual({ done: 24, total: 24 });
    expect(progress.map((frames) => frames.done)).toEqual(
      Array.from({ length: 24 }, (_, index) => index + 1),
    );
    // Frames the model saw (even ones) and frames between two such frames (odd ones: the mean of
    // their neighbours' masks; the last frame takes the one before's), where the ball moves fast.
    for (const index of [0, 4, 8, 9, 10, 11, 16, 20, 21, 23]) {
      const frame = await ffmpeg([
        ...['-i', join(folder, 'moving.mp4'), '-vf', `select=eq(n\\,${index})`, '-frames:v', '1'],
        ...['-f', 'image2pipe', '-c:v', 'png', 'pipe:1'],
      ]);
      const image = await backdrop.removeBackground({ image: new Uint8Array(frame) });
      const [reference] = await alphaPlanes((await image.outputs[0]?.bytes()) ?? new Uint8Array());
      const overlap = intersectionOverUnion(planes[index] as Buffer, reference as Buffer);
      await annotate(`frame ${index}: IoU with the image path ${overlap.toFixed(3)}`);
      expect(overlap).toBeGreaterThanOrEqual(0.9);
    }
  }, 300_000);

  it('does not flicker on a still shot', async ({ annotate }) => {
    const { planes } = await videoMattes(join(folder, 'still.mp4'));
    expect(planes).toHaveLength(16);
    await annotate(`flicker: mean alpha change ${flicker(planes).toFixed(3)} levels between frames`);
    // Frame by frame through the image path, the mean alpha change here was 0.005 levels (of 255).
    expect(flicker(planes)).toBeLessThan(0.25);
  }, 300_000);
});
