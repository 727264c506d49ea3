import type { ReplaceBackgroundRequest } from '@backdrop/core';
import { makeSampleImage, readFixture, readPixel } from '@backdrop/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type FalHarness, rejection, startFalHarness } from './support/fal-setup.js';

let harness: FalHarness;
afterEach(() => harness?.emulator.close());

async function product(): Promise<Uint8Array> {
  return readFixture('ruby_mug.jpg');
}

describe('fal replaceBackground', () => {
  it('sends a prompt with one result to bria/replace-background, with its documented defaults', async () => {
    harness = await startFalHarness();
    const result = await harness.backdrop.replaceBackground({
      image: await product(),
      prompt: 'on a marble counter',
      negativePrompt: 'clutter',
    });
    expect(result).toMatchObject({
      model: 'bria/replace-background',
      seed: 4925634,
      estimatedCostUsd: undefined,
    });
    const job = harness.emulator.jobs.get(result.requestId ?? '');
    expect(job?.endpoint.id).toBe('bria/replace-background');
    expect(job?.input).toMatchObject({ prompt: 'on a marble counter', negative_prompt: 'clutter' });
    expect(job?.input).not.toHaveProperty('seed');
    expect(job?.input).not.toHaveProperty('num_images');
    // The emulator applies the documented defaults: 30 steps.
    expect(job?.logs.map((log) => log.message)).toContain('Replacing background in 30 steps');
    const png = (await result.outputs[0]?.bytes()) ?? new Uint8Array();
    expect((await readPixel(png, 5, 5))[3]).toBe(255);
  });

  it('passes seed and inference steps through', async () => {
    harness = await startFalHarness();
    const result = await harness.backdrop.replaceBackground({
      image: await product(),
      prompt: 'beach',
      seed: 77,
      providerOptions: { fal: { inferenceSteps: 12 } },
    });
    expect(result.seed).toBe(77);
    expect(harness.emulator.jobs.get(result.requestId ?? '')?.input).toMatchObject({
      seed: 77,
      steps_num: 12,
    });
    expect(result.warnings).toEqual([]);
  });

  it('sends a reference image to fal-ai/bria/background/replace and composites over it', async () => {
    harness = await startFalHarness();
    const reference = await makeSampleImage('jpeg', 300, 200);
    const result = await harness.backdrop.replaceBackground({
      image: await product(),
      referenceImage: reference,
    });
    expect(result.model).toBe('fal-ai/bria/background/replace');
    const job = harness.emulator.jobs.get(result.requestId ?? '');
    expect(job?.input).toMatchObject({ num_images: 1 });
    expect(String(job?.input.ref_image_url)).toMatch(/referenceImage\.jpg$/);
    expect(job?.input).not.toHaveProperty('prompt');
    expect(typeof result.seed).toBe('number');
    expect(result.estimatedCostUsd).toBe(0.023);
    const png = (await result.outputs[0]?.bytes()) ?? new Uint8Array();
    // The corner now shows the reference image (green-blue gradient), not the white studio.
    const [red, green] = await readPixel(png, 2, 2);
    expect(green).toBeGreaterThan(red);
  });

  it('sends several results, refinement and a quality mode to fal-ai/bria/background/replace', async () => {
    harness = await startFalHarness();
    const result = await harness.backdrop.replaceBackground({
      image: await product(),
      prompt: 'forest',
      count: 3,
      seed: 1000,
      refinePrompt: false,
      qualityMode: 'base',
      providerOptions: { fal: { inferenceSteps: 9 } },
    });
    expect(result.model).toBe('fal-ai/bria/background/replace');
    expect(result.outputs).toHaveLength(3);
    expect(result.seed).toBe(1000);
    expect(result.estimatedCostUsd).toBe(0.069);
    expect(harness.emulator.jobs.get(result.requestId ?? '')?.input).toMatchObject({
      num_images: 3,
      seed: 1000,
      refine_prompt: false,
      fast: false,
    });
    // What could not be honoured is said, not silently dropped.
    expect(result.warnings).toEqual([
      {
        type: 'unsupported',
        field: 'providerOptions.fal.inferenceSteps',
        message:
          'providerOptions.fal.inferenceSteps: fal-ai/bria/background/replace has no step count; it was not sent',
      },
    ]);
    const bytes = await Promise.all(result.outputs.map((output) => output.bytes()));
    expect(new Set(bytes.map((png) => png.byteLength)).size).toBeGreaterThan(1);
  });

  describe('rules checked before anything is uploaded or sent', () => {
    it.each<[Partial<ReplaceBackgroundRequest>, string, string]>([
      [{ prompt: 'x', referenceImage: 'https://cdn.example.com/ref.png' }, 'referenceImage', 'not both'],
      [{ prompt: 'x', count: 5 }, 'count', 'count: 5; fal fal-ai/bria/background/replace needs 1-4'],
      [
        { prompt: 'x', seed: 2147483648 },
        'seed',
        'seed: must be a whole number from 0 to 2147483647; got 2147483648',
      ],
      [
        { prompt: 'x', qualityMode: 'high_control' },
        'qualityMode',
        'qualityMode: high_control; fal fal-ai/bria/background/replace takes fast, base',
      ],
      [
        { prompt: 'x', preserveOriginalSize: true },
        'preserveOriginalSize',
        'does not offer keeping the original size',
      ],
      [
        { prompt: 'x', providerOptions: { fal: { inferenceSteps: 0 } } },
        'providerOptions.fal.inferenceSteps',
        'must be a whole number of at least 1; got 0',
      ],
      [
        { prompt: 'x', providerOptions: { fal: { steps: 3 } } },
        'providerOptions.fal.steps',
        'providerOptions.fal.steps: fal has no such option (it takes endpoint, inferenceSteps, syncMode, priority, startTimeoutSeconds)',
      ],
    ])('refuses %j', async (extra, field, message) => {
      harness = await startFalHarness();
      const error = await rejection(harness.backdrop.replaceBackground({ image: await product(), ...extra }));
      expect(error.field).toBe(field);
      expect(error.message).toContain(message);
      expect(harness.emulator.requests).toHaveLength(0);
    });

    it('refuses what a pinned endpoint cannot serve, naming the endpoint that can', async () => {
      harness = await startFalHarness();
      const error = await rejection(
        harness.backdrop.replaceBackground({
          image: await product(),
          referenceImage: await makeSampleImage('png', 10, 10),
          providerOptions: { fal: { endpoint: 'bria/replace-background' } },
        }),
      );
      expect(error).toMatchObject({ code: 'invalid_input', field: 'referenceImage' });
      expect(error.message).toContain('fal-ai/bria/background/replace can serve this request');
      expect(harness.emulator.requests).toHaveLength(0);
    });

    it('honours a pinned endpoint that can serve', async () => {
      harness = await startFalHarness();
      const result = await harness.backdrop.replaceBackground({
        image: await product(),
        prompt: 'studio',
        providerOptions: { fal: { endpoint: 'fal-ai/bria/background/replace' } },
      });
      expect(result.model).toBe('fal-ai/bria/background/replace');
    });
  });
});
