import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackdrop, namedColors } from '@backdrop/core/node';
import { makeSampleVideo, probeVideo, readVideoFrame } from '@backdrop/testkit';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createInferenceSh } from '../src/node.js';
import { type InferenceShHarness, rejection, startInferenceShHarness } from './support/inferencesh-setup.js';

let harness: InferenceShHarness;
let clip: Uint8Array;
beforeAll(async () => {
  clip = await makeSampleVideo({ width: 64, height: 48, seconds: 0.4, fps: 5, audio: true });
});
afterEach(() => harness?.emulator.close());

const taskInput = (id: string | undefined) => harness.emulator.tasks.get(id ?? '')?.input;

async function probeBytes(bytes: Uint8Array) {
  const path = join(await mkdtemp(join(tmpdir(), 'backdrop-probe-')), 'video');
  await writeFile(path, bytes);
  return probeVideo(path);
}

describe('inference.sh video background removal jobs (bria/video-rmbg)', () => {
  it('uploads the video, sends its uri as video_url, and returns a transparent WebM VP9 by default', async () => {
    harness = await startInferenceShHarness();
    const result = await harness.backdrop.removeVideoBackground({ video: clip });
    expect(result.model).toBe('bria/video-rmbg');
    expect(taskInput(result.requestId)).toEqual({
      video_url: expect.stringMatching(/^inf:\/\/files\/.+\/video\.mp4$/),
      background_color: 'Transparent',
      output_container_and_codec: 'webm_vp9',
    });
    const frame = await readVideoFrame((await result.outputs[0]?.bytes()) ?? new Uint8Array());
    expect(frame.data[3]).toBeLessThan(20);
  });

  it.each(namedColors)('maps the colour %s', async (color) => {
    harness = await startInferenceShHarness();
    const result = await harness.backdrop.removeVideoBackground({
      video: clip,
      background: color,
      container: 'mp4_h264',
    });
    expect(taskInput(result.requestId)).toMatchObject({
      background_color: color.charAt(0).toUpperCase() + color.slice(1),
    });
  });

  it.each([
    'mp4_h264',
    'mp4_h265',
    'webm_vp9',
    'mov_h265',
    'mov_proresks',
    'mkv_h264',
    'mkv_h265',
    'mkv_vp9',
    'gif',
  ] as const)('produces %s', async (container) => {
    harness = await startInferenceShHarness();
    const result = await harness.backdrop.removeVideoBackground({
      video: clip,
      background: 'gray',
      container,
      keepAudio: false,
    });
    const probe = await probeBytes((await result.outputs[0]?.bytes()) ?? new Uint8Array());
    const codec = { h264: 'h264', h265: 'hevc', vp9: 'vp9', proresks: 'prores', gif: 'gif' }[
      container.split('_').at(-1) ?? ''
    ];
    expect(probe).toMatchObject({ codec, hasAudio: false });
  });

  it('refuses what bria/video-rmbg cannot do, before uploading', async () => {
    harness = await startInferenceShHarness();
    const alpha = await rejection(
      harness.backdrop.removeVideoBackground({ video: clip, container: 'mkv_h264' }),
    );
    expect(alpha.message).toBe(
      'container: mkv_h264 cannot carry transparency; for a transparent background inference.sh offers webm_vp9, mkv_vp9, mov_proresks',
    );
    const avi = await rejection(
      harness.backdrop.removeVideoBackground({ video: clip, background: 'black', container: 'avi_h264' }),
    );
    expect(avi.message).toContain('container: avi_h264; inference.sh offers mp4_h264');
    const blur = await rejection(
      harness.backdrop.removeVideoBackground({ video: clip, background: { type: 'blur', strength: 20 } }),
    );
    expect(blur.code).toBe('unsupported');
    expect(harness.emulator.requests).toHaveLength(0);
  });

  it('resumes from a saved handle, cancels, and cancels on a wait timeout', async () => {
    harness = await startInferenceShHarness({ emulator: { stepMs: 100 } });
    const job = await harness.backdrop.startRemoveVideoBackground({
      video: clip,
      background: 'white',
      container: 'mp4_h264',
    });
    const other = createBackdrop({
      providers: [createInferenceSh({ apiKey: 'inf_test_key', baseUrl: harness.emulator.origin })],
      pollIntervalMs: 20,
    });
    const result = await other.resumeJob(JSON.parse(JSON.stringify(job.handle))).wait();
    expect(result.requestId).toBe(job.handle.id);

    const slow = await harness.backdrop.startRemoveVideoBackground({ video: clip });
    await slow.cancel();
    await vi.waitFor(() => expect(harness.emulator.tasks.get(slow.handle.id)?.status).toBe(12));
    // A cancelled task ends cancelled, and its wait as aborted: not as a failure.
    expect((await slow.status()).state).toBe('cancelled');
    expect((await rejection(slow.wait())).code).toBe('aborted');

    const timed = await harness.backdrop.startRemoveVideoBackground({ video: clip });
    expect((await rejection(timed.wait({ timeoutMs: 120 }))).code).toBe('timeout');
    await vi.waitFor(() => expect(harness.emulator.tasks.get(timed.handle.id)?.status).toBe(12));
  });

  it('finishes through injected faults', async () => {
    harness = await startInferenceShHarness();
    harness.emulator.faults.add({ operation: 'stream', fault: { type: 'drop' } });
    harness.emulator.faults.add({ operation: 'status', fault: { type: 'status', status: 503 } });
    const result = await harness.backdrop.removeVideoBackground({
      video: clip,
      background: 'black',
      container: 'mp4_h264',
    });
    expect((await probeBytes((await result.outputs[0]?.bytes()) ?? new Uint8Array())).hasAudio).toBe(true);
  });
});
