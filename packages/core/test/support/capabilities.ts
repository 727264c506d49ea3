import type { ProviderCapabilities } from '../../src/index.js';

/** Shaped like the fal adapter's declaration: two replace endpoints with different rules. */
export const falLikeCapabilities: ProviderCapabilities = {
  removeBackground: [
    { model: 'fal-ai/bria/background/remove', image: { formats: ['png', 'jpeg', 'webp', 'gif', 'avif'] } },
  ],
  replaceBackground: [
    {
      model: 'bria/replace-background',
      image: { formats: ['png', 'jpeg', 'webp'] },
      prompt: {},
      negativePrompt: true,
      resultCount: { min: 1, max: 1 },
      seed: { min: 0, max: 2147483647 },
    },
    {
      model: 'fal-ai/bria/background/replace',
      image: { formats: ['png', 'jpeg', 'webp'] },
      prompt: {},
      referenceImage: { formats: ['png', 'jpeg', 'webp'] },
      promptWithReference: false,
      negativePrompt: true,
      resultCount: { min: 1, max: 4 },
      seed: { min: 0, max: 2147483647 },
      qualityModes: ['fast', 'base'],
      refinePrompt: true,
    },
  ],
};

/** Shaped like the inference.sh adapter's declaration: long English prompts only. */
export const inferenceLikeCapabilities: ProviderCapabilities = {
  removeBackground: [
    {
      model: 'bria/rmbg',
      image: { formats: ['png', 'jpeg', 'webp'], maxBytes: 1_000_000, maxPixels: 4_000_000 },
    },
  ],
  replaceBackground: [
    {
      model: 'bria/replace-background',
      image: { formats: ['png', 'jpeg', 'webp'] },
      prompt: { words: { min: 50, max: 110 }, language: 'en' },
      referenceImage: { formats: ['png', 'jpeg', 'webp'] },
      promptWithReference: true,
      resultCount: { min: 1, max: 1 },
      seed: { min: 0, max: 2147483647 },
      qualityModes: ['fast', 'base', 'high_control'],
      refinePrompt: true,
      preserveOriginalSize: true,
      moderation: true,
    },
  ],
};

export function words(count: number): string {
  return Array.from({ length: count }, (_, index) => `word${index}`).join(' ');
}
