import type { RemoveVideoBackgroundCall } from '../spec/calls.js';
import { type NamedColor, titleCaseColor, type VideoContainer } from '../spec/options.js';

/** Bria's video background removal input, as fal and inference.sh both host it (seed 004). */
export interface BriaVideoInput {
  video_url: string;
  background_color?: string;
  output_container_and_codec?: VideoContainer;
  preserve_audio?: boolean;
}

/**
 * The one mapping of a normalized video call onto Bria's video input: Transparent or a title-case
 * colour name (routing admits only the names Bria documents), the container, and the audio flag.
 */
export function toBriaVideoInput(call: RemoveVideoBackgroundCall, videoUrl: string): BriaVideoInput {
  const input: BriaVideoInput = { video_url: videoUrl };
  if (call.background.type === 'transparent') input.background_color = 'Transparent';
  if (call.background.type === 'color')
    input.background_color = titleCaseColor(call.background.color as NamedColor);
  if (call.container !== undefined) input.output_container_and_codec = call.container;
  if (call.keepAudio !== undefined) input.preserve_audio = call.keepAudio;
  return input;
}
