import { makeSampleImage } from '@backdrop/testkit';
import { describe, expect, it } from 'vitest';
import { createBackdrop } from '../src/index.js';
import { falLikeCapabilities, inferenceLikeCapabilities } from './support/capabilities.js';
import { createFakeAdapter } from './support/fake-adapter.js';
import { fastTimings as fast, rejection } from './support/rejection.js';

const shortPrompt =
  'a bright kitchen counter made of white marble with soft morning light coming through a tall window and a few green plants behind it';

function twoProviders() {
  const fal = createFakeAdapter({ provider: 'fal', capabilities: falLikeCapabilities, uploads: true });
  const inference = createFakeAdapter({
    provider: 'inferencesh',
    capabilities: inferenceLikeCapabilities,
    uploads: true,
  });
  return { fal, inference, backdrop: createBackdrop({ providers: [inference, fal], ...fast }) };
}

describe('estimates: routing and price before anything is sent', () => {
  it('names the provider routing would choose and prices the images, sending nothing', async () => {
    const { fal, inference, backdrop } = twoProviders();
    const image = await makeSampleImage('png', 64, 64);
    const estimate = await backdrop.estimateReplaceBackground({ image, prompt: shortPrompt, count: 3 });
    expect(estimate).toEqual({
      provider: 'fal',
      displayName: fal.displayName,
      model: 'fal-ai/bria/background/replace',
      images: 3,
      estimatedCostUsd: 0.069,
    });
    const removal = await backdrop.estimateRemoveBackground({ image, provider: 'inferencesh' });
    expect(removal).toMatchObject({ provider: 'inferencesh', images: 1, estimatedCostUsd: undefined });
    for (const adapter of [fal, inference]) {
      expect(adapter.calls.start).toHaveLength(0);
      expect(adapter.calls.upload).toHaveLength(0);
    }
  });

  it('refuses what the run would refuse, with the same error', async () => {
    const { backdrop } = twoProviders();
    const image = await makeSampleImage('png', 64, 64);
    const request = { image, prompt: shortPrompt, provider: 'inferencesh' } as const;
    const estimated = await rejection(backdrop.estimateReplaceBackground(request));
    const run = await rejection(backdrop.replaceBackground(request));
    expect(estimated.code).toBe('invalid_input');
    expect(estimated.field).toBe('prompt');
    expect(estimated.message).toBe(run.message);
  });
});
