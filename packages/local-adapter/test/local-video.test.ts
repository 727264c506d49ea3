import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackdrop } from '@backdrop/core/node';
import { makeSampleVideo, probeVideo, readVideoFrame } from '@backdrop/testkit';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLocal } from '../src/index.js';

const backdrop = createBackdrop({ providers: [createLocal()] });
let clip: Uint8Array;

beforeAll(async () => {
  clip = await makeSampleVideo({ width: 96, height: 64, seconds: 0.4, fps: 5, audio: true });
});

async function probeBytes(bytes: Uint8Array) {
  const path = join(await mkdtemp(join(tmpdir(), 'backdrop-local-probe-')), 'video');
  await writeFile(path, bytes);
  return probeVideo(path);
}

describe('local engine: video, frame by frame through ffmpeg', () => {
  it('makes a transparent WebM VP9 with alpha, keeping the audio', async () => {
    const result = await backdrop.removeVideoBackground({ video: clip });
    const bytes = (await result.outputs[0]?.bytes()) ?? new Uint8Array();
    expect(result.outputs[0]?.contentType).toBe('video/webm');
    expect(await probeBytes(bytes)).toMatchObject({ codec: 'vp9', width: 96, height: 64, hasAudio: true });
    const frame = await readVideoFrame(bytes);
    expect(frame.data[3]).toBeLessThan(30);
    expect(frame.data[(32 * 96 + 48) * 4 + 3]).toBeGreaterThan(220);
  }, 120_000);

  it('puts a colour, a blur or an image behind the subject, and drops audio when asked', async () => {
    const coloured = await backdrop.removeVideoBackground({
      video: clip,
      background: '#0000ff',
      container: 'mp4_h264',
      keepAudio: false,
    });
    const bytes = (await coloured.outputs[0]?.bytes()) ?? new Uint8Array();
    expect(await probeBytes(bytes)).toMatchObject({ codec: 'h264', hasAudio: false });
    const frame = await readVideoFrame(bytes);
    expect(frame.data[2]).toBeGreaterThan(200);

    const blurred = await backdrop.removeVideoBackground({
      video: clip,
      background: { type: 'blur', strength: 30 },
      container: 'mp4_h264',
    });
    expect((await probeBytes((await blurred.outputs[0]?.bytes()) ?? new Uint8Array())).hasAudio).toBe(true);

    const magenta = await sharp({
      create: { width: 20, height: 20, channels: 3, background: { r: 255, g: 0, b: 255 } },
    })
      .png()
      .toBuffer();
    const imaged = await backdrop.removeVideoBackground({
      video: clip,
      background: { type: 'image', image: new Uint8Array(magenta) },
      container: 'mov_proresks',
    });
    const imageFrame = await readVideoFrame((await imaged.outputs[0]?.bytes()) ?? new Uint8Array());
    expect([imageFrame.data[0], imageFrame.data[1]]).toEqual([expect.any(Number), expect.any(Number)]);
    expect(imageFrame.data[0]).toBeGreaterThan(200);
    expect(imageFrame.data[1]).toBeLessThan(60);
  }, 180_000);

  it('says clearly when ffmpeg is missing', async () => {
    const noFfmpeg = createBackdrop({ providers: [createLocal({ ffmpegPath: '/nonexistent/ffmpeg' })] });
    const error = await noFfmpeg.removeVideoBackground({ video: clip }).then(
      () => new Error('expected a rejection'),
      (caught: unknown) => caught as Error,
    );
    expect(error.message).toContain(
      'the local engine needs ffmpeg for video and found none at "/nonexistent/ffprobe"',
    );
  });

  it('refuses containers it does not write, naming those it does', async () => {
    await expect(
      backdrop.removeVideoBackground({ video: clip, background: 'black', container: 'avi_h264' }),
    ).rejects.toThrow('container: avi_h264; local engine offers mp4_h264, webm_vp9, mov_proresks');
  });
});

describe('local engine: a decoder that fails half-way', () => {
  it('fails with the decoder error instead of writing a truncated video', async () => {
    // An ffmpeg that decodes one frame, then exits with an error, as a corrupt file would make it.
    const folder = await mkdtemp(join(tmpdir(), 'backdrop-failing-ffmpeg-'));
    const wrapper = join(folder, 'ffmpeg');
    await writeFile(
      wrapper,
      [
        '#!/bin/sh',
        'case "$*" in',
        '  *rgb24*) ffmpeg "$@" -frames:v 1; echo "Invalid data found when processing input" >&2; exit 1 ;;',
        '  *) exec ffmpeg "$@" ;;',
        'esac',
      ].join('\n'),
      { mode: 0o755 },
    );
    const failing = createBackdrop({
      providers: [createLocal({ ffmpegPath: wrapper, ffprobePath: 'ffprobe' })],
    });
    const error = await failing
      .removeVideoBackground({ video: clip, background: '#00ff00', container: 'mp4_h264' })
      .catch((caught) => caught);
    expect(error).toMatchObject({ code: 'invalid_input', field: 'video', provider: 'local' });
    expect(error.message).toContain('ffmpeg could not decode it to the end');
    expect(error.message).toContain('Invalid data found when processing input');
  }, 120_000);
});
