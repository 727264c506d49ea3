import { createBackdrop } from '@backdrop/core/node';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFal } from '../src/index.js';
import { type FalHarness, rejection, startFalHarness } from './support/fal-setup.js';
import { makeSampleVideo, namedColors, probeVideoBytes, readVideoFrame } from './support/video-helpers.js';

let harness: FalHarness;
let clip: Uint8Array;
beforeAll(async () => {
  clip = await makeSampleVideo({ width: 64, height: 48, seconds: 0.4, fps: 5, audio: true });
});
afterEach(() => harness?.emulator.close());

const jobInput = (id: string | undefined) => harness.emulator.jobs.get(id ?? '')?.input;

describe('fal video background removal jobs', () => {
  it('uploads a local video and returns a transparent WebM VP9 by default', async () => {
    harness = await startFalHarness();
    const result = await harness.backdrop.removeVideoBackground({ video: clip });
    expect(result).toMatchObject({ provider: 'fal', model: 'bria/video/background-removal' });
    expect(jobInput(result.requestId)).toEqual({
      video_url: expect.stringMatching(/video\.mp4$/),
      background_color: 'Transparent',
      output_container_and_codec: 'webm_vp9',
    });
    const bytes = (await result.outputs[0]?.bytes()) ?? new Uint8Array();
    expect(result.outputs[0]?.contentType).toBe('video/webm');
    const frame = await readVideoFrame(bytes);
    expect(frame.data[3]).toBeLessThan(20);
    const centre = ((frame.height / 2) * frame.width + frame.width / 2) * 4;
    expect(frame.data[centre + 3]).toBeGreaterThan(235);
  });

  it.each(namedColors)('maps the colour %s and puts it behind the subject', async (color) => {
    harness = await startFalHarness();
    const result = await harness.backdrop.removeVideoBackground({
      video: clip,
      background: color,
      container: 'mp4_h264',
    });
    const expected = color.charAt(0).toUpperCase() + color.slice(1);
    expect(jobInput(result.requestId)).toMatchObject({
      background_color: expected,
      output_container_and_codec: 'mp4_h264',
    });
    const frame = await readVideoFrame((await result.outputs[0]?.bytes()) ?? new Uint8Array());
    const corner = [frame.data[0] ?? 0, frame.data[1] ?? 0, frame.data[2] ?? 0];
    const rgb: Record<string, number[]> = {
      black: [0, 0, 0],
      white: [255, 255, 255],
      gray: [128, 128, 128],
      red: [255, 0, 0],
      green: [0, 255, 0],
      blue: [0, 0, 255],
      yellow: [255, 255, 0],
      cyan: [0, 255, 255],
      magenta: [255, 0, 255],
      orange: [255, 165, 0],
    };
    // H.264 in 4:2:0 shifts colours a little.
    for (const [channel, value] of corner.entries()) {
      expect(Math.abs(value - (rgb[color]?.[channel] ?? 0))).toBeLessThan(40);
    }
  });

  it.each([
    'mp4_h265',
    'mp4_h264',
    'webm_vp9',
    'mov_h265',
    'mov_proresks',
    'mkv_h265',
    'mkv_h264',
    'mkv_vp9',
    'avi_h264',
    'gif',
  ] as const)('produces %s', async (container) => {
    harness = await startFalHarness();
    const result = await harness.backdrop.removeVideoBackground({
      video: clip,
      background: 'white',
      container,
      keepAudio: false,
    });
    expect(jobInput(result.requestId)).toMatchObject({
      output_container_and_codec: container,
      preserve_audio: false,
    });
    const probe = await probeVideoBytes((await result.outputs[0]?.bytes()) ?? new Uint8Array());
    const codec = { h264: 'h264', h265: 'hevc', vp9: 'vp9', proresks: 'prores', gif: 'gif' }[
      container.split('_').at(-1) ?? ''
    ];
    expect(probe.codec).toBe(codec);
  });

  it('keeps the audio unless asked not to', async () => {
    harness = await startFalHarness();
    const kept = await harness.backdrop.removeVideoBackground({
      video: clip,
      background: 'black',
      container: 'mp4_h264',
    });
    expect((await probeVideoBytes((await kept.outputs[0]?.bytes()) ?? new Uint8Array())).hasAudio).toBe(true);
    const dropped = await harness.backdrop.removeVideoBackground({
      video: clip,
      background: 'black',
      container: 'mp4_h264',
      keepAudio: false,
    });
    expect((await probeVideoBytes((await dropped.outputs[0]?.bytes()) ?? new Uint8Array())).hasAudio).toBe(
      false,
    );
  });

  describe('rules, before anything is uploaded or sent', () => {
    it.each(['mp4_h264', 'mp4_h265', 'mkv_h264', 'mkv_h265', 'avi_h264'] as const)(
      'refuses a transparent background in %s',
      async (container) => {
        harness = await startFalHarness();
        const error = await rejection(
          harness.backdrop.removeVideoBackground({ video: clip, background: 'transparent', container }),
        );
        expect(error).toMatchObject({ code: 'invalid_input', field: 'container' });
        expect(error.message).toBe(
          `container: ${container} cannot carry transparency; for a transparent background fal offers webm_vp9, mkv_vp9, mov_proresks`,
        );
        expect(harness.emulator.requests).toHaveLength(0);
      },
    );

    it('declares blur and image backgrounds unsupported for jobs, saying why', async () => {
      harness = await startFalHarness();
      const blur = await rejection(
        harness.backdrop.removeVideoBackground({ video: clip, background: 'blur' }),
      );
      expect(blur).toMatchObject({ code: 'unsupported', field: 'background' });
      expect(blur.message).toContain('background: blur; fal takes transparent, color backgrounds');
      const image = await rejection(
        harness.backdrop.removeVideoBackground({
          video: clip,
          background: { type: 'image', image: 'https://cdn.example.com/bg.png' },
        }),
      );
      expect(image.message).toContain('background: image; fal takes transparent, color backgrounds');
      const hex = await rejection(
        harness.backdrop.removeVideoBackground({ video: clip, background: '#123456' }),
      );
      expect(hex.message).toContain('background.color: #123456; fal takes black, white, gray');
      expect(harness.emulator.requests).toHaveLength(0);
    });
  });

  it('starts, saves the handle, and resumes it in another process-like Backdrop', async () => {
    harness = await startFalHarness({ emulator: { queueMs: 200 } });
    const job = await harness.backdrop.startRemoveVideoBackground({
      video: clip,
      background: 'green',
      container: 'webm_vp9',
    });
    const saved = JSON.stringify(job.handle);
    const other = createBackdrop({
      providers: [createFal({ credentials: 'test-fal-key', fetch: harness.emulator.fetch })],
      fetch: harness.emulator.fetch,
      pollIntervalMs: 20,
    });
    const resumed = other.resumeJob(JSON.parse(saved));
    expect(['queued', 'running']).toContain((await resumed.status()).state);
    const result = await resumed.wait();
    expect(result.requestId).toBe(job.handle.id);
    expect(result.outputs[0]?.contentType).toBe('video/webm');
  });

  it('cancels a video job, and a wait that times out cancels it too', async () => {
    harness = await startFalHarness({ emulator: { queueMs: 60_000 } });
    const job = await harness.backdrop.startRemoveVideoBackground({ video: clip });
    await job.cancel();
    expect(harness.emulator.jobs.get(job.handle.id)?.cancelled).toBe(true);
    const second = await harness.backdrop.startRemoveVideoBackground({ video: clip });
    expect((await rejection(second.wait({ timeoutMs: 150 }))).code).toBe('timeout');
    await vi.waitFor(() => expect(harness.emulator.jobs.get(second.handle.id)?.cancelled).toBe(true));
  });

  it('survives injected faults while following the job, and sends the webhook URL', async () => {
    harness = await startFalHarness();
    // The status stream refused, then a status poll: core polls, and retries the poll.
    harness.emulator.faults.add({ operation: 'stream', fault: { type: 'status', status: 503 } });
    harness.emulator.faults.add({ operation: 'status', fault: { type: 'status', status: 503 } });
    const job = await harness.backdrop.startRemoveVideoBackground({
      video: clip,
      webhookUrl: 'https://hooks.example.com/video',
    });
    expect(harness.emulator.jobs.get(job.handle.id)?.webhookUrl).toBe('https://hooks.example.com/video');
    const result = await job.wait();
    expect(result.outputs).toHaveLength(1);
    expect(harness.emulator.faults.injected).toHaveLength(2);
  });
});
