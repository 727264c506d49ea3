// Compiled by `pnpm typecheck`: each @ts-expect-error fails the build if the generated types
// stop encoding the rule from the provider documents.
import type { components as ReplaceApp } from '../src/generated/inferencesh-bria-replace-background.js';
import type { components as RemoveApp } from '../src/generated/inferencesh-bria-rmbg.js';
import type { components as VideoApp } from '../src/generated/inferencesh-bria-video-rmbg.js';
import type { paths, components as TaskApi } from '../src/generated/inferencesh-task-api.js';

type ReplaceInput = ReplaceApp['schemas']['Input'];
type RemoveInput = RemoveApp['schemas']['Input'];
type VideoInput = VideoApp['schemas']['Input'];
type TaskStatus = TaskApi['schemas']['TaskStatus'];
type RunRequest = TaskApi['schemas']['ApiAppRunRequest'];
type StreamLine = TaskApi['schemas']['TaskStreamLine'];

export const replace: ReplaceInput = {
  image: 'inf://files/1/a.png',
  prompt: null,
  ref_image: 'inf://files/2/b.png',
  mode: 'high_control',
  seed: 0,
};
// @ts-expect-error image is required
export const replaceWithoutImage: ReplaceInput = { prompt: 'beach' };
// @ts-expect-error mode is fast, base or high_control
export const badMode: ReplaceInput = { image: 'x', mode: 'turbo' };

export const remove: RemoveInput = { image: 'https://example.com/a.png' };
export const video: VideoInput = {
  video_url: 'https://example.com/a.mp4',
  background_color: 'Transparent',
  output_container_and_codec: 'mp4_h264',
};
// @ts-expect-error avi_h264 is not offered by bria/video-rmbg
export const avi: VideoInput['output_container_and_codec'] = 'avi_h264';

export const completed: TaskStatus = 10;
export const cancelled: TaskStatus = 12;
// @ts-expect-error 13 is not a task status
export const unknownStatus: TaskStatus = 13;

export const run: RunRequest = {
  app: 'bria/rmbg',
  input: { image: 'x' },
  webhook: 'https://example.com/hook',
};
// @ts-expect-error app is required
export const runWithoutApp: RunRequest = { input: {} };

export const heartbeat: StreamLine = { type: 'heartbeat' };
type CancelPath = paths['/tasks/{id}/cancel']['post'];
export const cancelHasId: CancelPath['parameters']['path'] = { id: 'task_1' };
