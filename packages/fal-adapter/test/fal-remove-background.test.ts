import type { ProgressEvent } from '@backdrop/core';
import { fixturePath, makeSampleImage, readFixture, readPixel } from '@backdrop/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type FalHarness, startFalHarness } from './support/fal-setup.js';

let harness: FalHarness;
afterEach(() => harness?.emulator.close());

describe('fal removeBackground', () => {
  it('uploads bytes through fal storage, runs the queue, and returns a real cut-out', async () => {
    harness = await startFalHarness();
    const photo = await readFixture('ruby_mug.jpg');
    const events: ProgressEvent[] = [];
    const result = await harness.backdrop.removeBackground({
      image: photo,
      onProgress: (event) => events.push(event),
    });

    expect(result).toMatchObject({
      provider: 'fal',
      model: 'fal-ai/bria/background/remove',
      estimatedCostUsd: 0.018,
    });
    const job = harness.emulator.jobs.get(result.requestId ?? '');
    expect(job?.input.image_url).toMatch(/\/files\/.+\/image\.jpg$/);
    expect(harness.apiCalls()).toEqual(
      expect.arrayContaining([
        'POST rest.fal.ai/storage/upload/initiate',
        'POST queue.fal.run/fal-ai/bria/background/remove',
        `GET queue.fal.run/fal-ai/bria/requests/${result.requestId}/status/stream`,
        `GET queue.fal.run/fal-ai/bria/requests/${result.requestId}`,
      ]),
    );
    // Followed over the status stream: not one status poll.
    expect(harness.apiCalls()).not.toContain(
      `GET queue.fal.run/fal-ai/bria/requests/${result.requestId}/status`,
    );
    const output = result.outputs[0];
    expect(output).toMatchObject({ contentType: 'image/png', width: 1200, height: 1200 });
    const png = (await output?.bytes()) ?? new Uint8Array();
    // The white studio background is gone; the red mug in the middle stays opaque.
    expect((await readPixel(png, 5, 5))[3]).toBe(0);
    const centre = await readPixel(png, 600, 640);
    expect(centre[3]).toBe(255);
    expect(centre[0]).toBeGreaterThan(centre[1]);
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['uploading', 'queued', 'running', 'done']),
    );
    expect(events.find((event) => event.type === 'queued')).toMatchObject({ position: 0 });
    // Every log line arrives once, in order, however the polls fell.
    const logs = events.flatMap((event) => (event.type === 'running' ? event.logs : []));
    expect(logs).toEqual(['Request started', 'Removing background']);
  });

  it('uploads a file path', async () => {
    harness = await startFalHarness();
    const result = await harness.backdrop.removeBackground({ image: fixturePath('chelsea.png') });
    const job = harness.emulator.jobs.get(result.requestId ?? '');
    expect(job?.input.image_url).toMatch(/chelsea\.png$/);
    const uploaded = harness.emulator.fileAt(String(job?.input.image_url));
    expect(uploaded?.byteLength).toBe(240_512);
  });

  it('passes URLs through without uploading', async () => {
    harness = await startFalHarness();
    const source = await makeSampleImage('png', 40, 30);
    const first = await harness.backdrop.removeBackground({ image: source });
    const hosted = String(harness.emulator.jobs.get(first.requestId ?? '')?.input.image_url);
    const uploadsBefore = harness.apiCalls().filter((call) => call.includes('upload')).length;
    const second = await harness.backdrop.removeBackground({ image: hosted });
    expect(harness.emulator.jobs.get(second.requestId ?? '')?.input.image_url).toBe(hosted);
    expect(harness.apiCalls().filter((call) => call.includes('upload')).length).toBe(uploadsBefore);
  });

  it('returns outputs inline with syncMode', async () => {
    harness = await startFalHarness();
    const result = await harness.backdrop.removeBackground({
      image: await makeSampleImage('png', 16, 16),
      providerOptions: { fal: { syncMode: true } },
    });
    expect(result.outputs[0]?.url).toMatch(/^data:image\/png;base64,/);
    expect((await result.outputs[0]?.bytes())?.byteLength).toBeGreaterThan(0);
  });
});
