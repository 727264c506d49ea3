import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  makeSampleVideo,
  probeVideo,
  readVideoFrame,
  removeVideoBackground,
} from '../src/video-processing.js';

async function probeBytes(bytes: Uint8Array) {
  const path = join(await mkdtemp(join(tmpdir(), 'probe-')), 'video');
  await writeFile(path, bytes);
  return probeVideo(path);
}

describe('video processing (ffmpeg, frame by frame)', () => {
  it('makes a transparent WebM VP9 whose background is see-through and subject opaque', async () => {
    const input = await makeSampleVideo({ seconds: 1, fps: 5 });
    const output = await removeVideoBackground(input, {
      background: 'transparent',
      encoding: 'webm_vp9',
      keepAudio: true,
    });
    expect(output.contentType).toBe('video/webm');
    expect(output.probe).toMatchObject({ width: 160, height: 120, codec: 'vp9' });
    const frame = await readVideoFrame(output.bytes);
    const alphaAt = (x: number, y: number) => frame.data[(y * frame.width + x) * 4 + 3];
    expect(alphaAt(2, 2)).toBeLessThan(20);
    expect(alphaAt(60, 60)).toBeGreaterThan(235);
  });

  it('puts a colour behind the subject in H.264 and keeps the audio when asked', async () => {
    const input = await makeSampleVideo({ seconds: 1, fps: 5, audio: true });
    const kept = await removeVideoBackground(input, {
      background: [0, 0, 255],
      encoding: 'mp4_h264',
      keepAudio: true,
    });
    expect(kept.probe).toMatchObject({ codec: 'h264', hasAudio: true });
    const frame = await readVideoFrame(kept.bytes);
    const [red, green, blue] = [frame.data[0], frame.data[1], frame.data[2]];
    expect(blue).toBeGreaterThan(200);
    expect((red ?? 0) + (green ?? 0)).toBeLessThan(80);
    const dropped = await removeVideoBackground(input, {
      background: [0, 0, 0],
      encoding: 'mp4_h264',
      keepAudio: false,
    });
    expect((await probeBytes(dropped.bytes)).hasAudio).toBe(false);
  });

  it.each(['mov_proresks', 'mkv_vp9', 'gif', 'mp4_h265'])('encodes %s', async (encoding) => {
    const output = await removeVideoBackground(await makeSampleVideo({ seconds: 0.4, fps: 5 }), {
      background: 'transparent',
      encoding,
      keepAudio: false,
    });
    expect(output.probe.width).toBe(160);
  });
});
