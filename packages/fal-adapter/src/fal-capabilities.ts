import { namedColors, type ProviderCapabilities } from '@backdrop/core/provider';
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
  removeVideoBackground: [
    {
      model: falEndpointIds.removeVideoBackground,
      // The input formats are not documented; these are the containers the output comes in.
      video: { formats: ['mp4', 'mov', 'webm', 'mkv'] },
      // Seed 004: Transparent or one of ten colours; blur and image backgrounds exist only live.
      background: { types: ['transparent', 'color'], colors: namedColors },
      containers: [
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
      ],
      // H.264 and H.265 carry no alpha (in MP4, MKV, MOV or AVI), nor does GIF here; VP9 and ProRes 4444 do.
      alphaContainers: ['webm_vp9', 'mkv_vp9', 'mov_proresks'],
      audio: true,
    },
  ],
  connectRealtimeVideo: [
    {
      // Seed 004 realtime mode: colour (no Transparent), blur 0-100, or an image behind the subject.
      model: falEndpointIds.realtimeVideo,
      background: {
        types: ['color', 'blur', 'image'],
        colors: namedColors,
        blurStrength: { min: 0, max: 100 },
        image: { formats: replaceFormats },
      },
    },
  ],
};
