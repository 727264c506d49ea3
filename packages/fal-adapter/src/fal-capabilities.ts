import type { ProviderCapabilities } from '@backdrop/core';
import { falEndpointIds } from './fal-endpoints.js';

// Seed 003: RMBG 2.0 takes "JPEG, PNG, WebP, GIF, AVIF via URL".
const removeFormats = ['png', 'jpeg', 'webp', 'gif', 'avif'] as const;
// Seed 003: reference images are "jpeg, jpg, png, webp"; the replace endpoints are not documented
// further, so their inputs are held to the same list.
const replaceFormats = ['png', 'jpeg', 'webp'] as const;
const seedRange = { min: 0, max: 2_147_483_647 };

/**
 * What fal serves, per endpoint. Order matters: a prompt with one result goes to
 * bria/replace-background; a reference image, several results, prompt refinement or a quality
 * mode go to fal-ai/bria/background/replace.
 */
export const falCapabilities: ProviderCapabilities = {
  removeBackground: [{ model: falEndpointIds.removeBackground, image: { formats: removeFormats } }],
  replaceBackground: [
    {
      model: falEndpointIds.replaceBackgroundByPrompt,
      image: { formats: replaceFormats },
      prompt: {},
      negativePrompt: true,
      resultCount: { min: 1, max: 1 },
      seed: seedRange,
    },
    {
      model: falEndpointIds.replaceBackground,
      image: { formats: replaceFormats },
      prompt: {},
      referenceImage: { formats: replaceFormats },
      // "Either ref_image_url or bg_prompt has to be provided but not both" (seed 003).
      promptWithReference: false,
      negativePrompt: true,
      resultCount: { min: 1, max: 4 },
      seed: seedRange,
      qualityModes: ['fast', 'base'],
      refinePrompt: true,
    },
  ],
};
