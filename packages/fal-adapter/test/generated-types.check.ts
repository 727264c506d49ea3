// Compiled by `pnpm typecheck`: each @ts-expect-error fails the build if the generated types
// stop encoding the rule from the provider documents.
import type { components as Remove } from '../src/generated/fal-bria-background-remove.js';
import type { components as Replace } from '../src/generated/fal-bria-background-replace.js';
import type { components as ReplaceBackground } from '../src/generated/fal-bria-replace-background.js';
import type { components as Video } from '../src/generated/fal-bria-video-background-removal.js';
import type { components as Realtime } from '../src/generated/fal-bria-video-background-removal-realtime.js';

type RemoveInput = Remove['schemas']['BGRemoveInput'];
type ReplaceInput = Replace['schemas']['BGReplaceInput'];
type ReplaceOutput = Replace['schemas']['BGReplaceOutput'];
type ReplaceBackgroundInput = ReplaceBackground['schemas']['ReplaceBackgroundInput'];
type ReplaceBackgroundOutput = ReplaceBackground['schemas']['ReplaceBackgroundOutput'];
type VideoInput = Video['schemas']['bria_video-cpu_InputRemoveBackgroundModel'];
type RealtimeInput = Realtime['schemas']['RealtimeInput'];
type QueueStatus = Replace['schemas']['QueueStatus'];

export const remove: RemoveInput = { image_url: 'https://example.com/a.png' };
// @ts-expect-error image_url is required on fal-ai/bria/background/remove
export const removeWithoutImage: RemoveInput = { sync_mode: true };

export const replace: ReplaceInput = {
  image_url: 'https://example.com/a.png',
  ref_image_url: 'https://example.com/b.png',
  num_images: 4,
};
// @ts-expect-error image_url is required on fal-ai/bria/background/replace
export const replaceWithoutImage: ReplaceInput = { prompt: 'beach' };
// @ts-expect-error the output carries images and seed, both required
export const replaceOutput: ReplaceOutput = { images: [] };

// Every field of bria/replace-background is optional, with documented defaults.
export const replaceBackground: ReplaceBackgroundInput = {};
export const replaceBackgroundFull: ReplaceBackgroundInput = {
  prompt: 'x',
  seed: 4925634,
  steps_num: 30,
  negative_prompt: '',
  sync_mode: false,
};
// @ts-expect-error its output requires image
export const replaceBackgroundOutput: ReplaceBackgroundOutput = { images: [] };

export const transparentWebm: VideoInput = {
  video_url: 'https://example.com/a.mp4',
  background_color: 'Transparent',
  output_container_and_codec: 'webm_vp9',
};
// @ts-expect-error Purple is not one of the documented colours
export const purple: VideoInput = { video_url: 'https://example.com/a.mp4', background_color: 'Purple' };
// @ts-expect-error mp4_av1 is not a documented container
export const av1: VideoInput['output_container_and_codec'] = 'mp4_av1';

export const blur: RealtimeInput = { background_type: 'blur', blur_strength: 50 };
// @ts-expect-error the live endpoint has no Transparent colour
export const transparentLive: RealtimeInput = { background_type: 'color', background_color: 'Transparent' };

export const queued: QueueStatus = { status: 'IN_QUEUE', request_id: 'r', queue_position: 0 };
// @ts-expect-error FAILED is not a queue status
export const failed: QueueStatus = { status: 'FAILED', request_id: 'r' };
