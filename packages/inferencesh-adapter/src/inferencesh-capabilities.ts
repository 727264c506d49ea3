import { namedColors, type ProviderCapabilities } from '@backdrop/core/provider';

// Seed 002: "source image (jpeg, png, webp)"; the same is assumed of reference images and of bria/rmbg.
const formats = ['png', 'jpeg', 'webp'] as const;

export const inferenceShApps = {
  removeBackground: 'bria/rmbg',
  replaceBackground: 'bria/replace-background',
  removeVideoBackground: 'bria/video-rmbg',
} as const;

/** What inference.sh serves, from seed 002 and reference/providers.md 2.7. */
export const inferenceShCapabilities: ProviderCapabilities = {
  removeBackground: [{ model: inferenceShApps.removeBackground, image: { formats } }],
  replaceBackground: [
    {
      model: inferenceShApps.replaceBackground,
      image: { formats },
      // "english, 50-110 words"; counted as the provider does, by whitespace.
      prompt: { words: { min: 50, max: 110 }, language: 'en' },
      referenceImage: { formats },
      // "either prompt or ref_image required": both together are not excluded.
      promptWithReference: true,
      resultCount: { min: 1, max: 1 },
      seed: { min: 0, max: 2_147_483_647 },
      qualityModes: ['fast', 'base', 'high_control'],
      refinePrompt: true,
      preserveOriginalSize: true,
      moderation: true,
    },
  ],
  removeVideoBackground: [
    {
      model: inferenceShApps.removeVideoBackground,
      video: { formats: ['mp4', 'mov', 'webm', 'mkv'] },
      background: { types: ['transparent', 'color'], colors: namedColors },
      containers: [
        'mp4_h264',
        'mp4_h265',
        'webm_vp9',
        'mov_h265',
        'mov_proresks',
        'mkv_h264',
        'mkv_h265',
        'mkv_vp9',
        'gif',
      ],
      // Its defaults (Transparent in mp4_h264) cannot show transparency: core asks for webm_vp9 then.
      alphaContainers: ['webm_vp9', 'mkv_vp9', 'mov_proresks'],
      audio: true,
    },
  ],
};
