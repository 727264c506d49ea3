import {
  BackdropError,
  type NamedColor,
  type RemoveVideoBackgroundCall,
  titleCaseColor,
} from '@backdrop/core';
import type { components } from './generated/inferencesh-bria-video-rmbg.js';
import { fileReference, type InferenceShOperationMapping } from './inferencesh-operation-mapping.js';
import { toOutputFile } from './inferencesh-task.js';

type VideoInput = components['schemas']['Input'];

/** removeVideoBackground -> app bria/video-rmbg (video_url, background_color, output_container_and_codec, preserve_audio) -> { video }. */
export const inferenceShRemoveVideoBackground: InferenceShOperationMapping<RemoveVideoBackgroundCall> = {
  operation: 'removeVideoBackground',
  toInput(call) {
    const input: VideoInput = { video_url: fileReference(call.video) };
    if (call.background.type === 'transparent') input.background_color = 'Transparent';
    if (call.background.type === 'color')
      input.background_color = titleCaseColor(call.background.color as NamedColor);
    if (call.container !== undefined)
      input.output_container_and_codec = call.container as VideoInput['output_container_and_codec'];
    if (call.keepAudio !== undefined) input.preserve_audio = call.keepAudio;
    return input;
  },
  toOutput(output) {
    const file = toOutputFile(output.video);
    if (!file) {
      throw new BackdropError({
        code: 'provider_error',
        provider: 'inferencesh',
        retryable: false,
        message: 'the inference.sh task completed without a video',
      });
    }
    return { files: [file] };
  },
};
