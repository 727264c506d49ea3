import type { components as RemoveSchemas } from './generated/fal-bria-background-remove.js';
import type { components as ReplaceSchemas } from './generated/fal-bria-background-replace.js';
import type { components as ReplaceBackgroundSchemas } from './generated/fal-bria-replace-background.js';

/** The fal endpoints this adapter speaks, by operation. */
export const falEndpointIds = {
  removeBackground: 'fal-ai/bria/background/remove',
  replaceBackgroundByPrompt: 'bria/replace-background',
  replaceBackground: 'fal-ai/bria/background/replace',
  removeVideoBackground: 'bria/video/background-removal',
  realtimeVideo: 'bria/video/background-removal/realtime',
} as const;

export type FalEndpointId = (typeof falEndpointIds)[keyof typeof falEndpointIds];

export type FalRemoveInput = RemoveSchemas['schemas']['BGRemoveInput'];
export type FalRemoveOutput = RemoveSchemas['schemas']['BGRemoveOutput'];
export type FalReplaceInput = ReplaceSchemas['schemas']['BGReplaceInput'];
export type FalReplaceOutput = ReplaceSchemas['schemas']['BGReplaceOutput'];
export type FalReplaceBackgroundInput = ReplaceBackgroundSchemas['schemas']['ReplaceBackgroundInput'];
export type FalReplaceBackgroundOutput = ReplaceBackgroundSchemas['schemas']['ReplaceBackgroundOutput'];
export type FalImage = RemoveSchemas['schemas']['Image'];

/** Documented defaults of bria/replace-background (seeds 000 and 001). */
export const replaceBackgroundDefaults = { seed: 4925634, stepsCount: 30 } as const;
