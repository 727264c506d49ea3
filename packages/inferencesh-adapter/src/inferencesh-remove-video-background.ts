import { BackdropError, type RemoveVideoBackgroundCall, toBriaVideoInput } from '@backdrop/core/provider';
import type { components } from './generated/inferencesh-bria-video-rmbg.js';
import { fileReference, type InferenceShOperationMapping } from './inferencesh-operation-mapping.js';
import { toOutputFile } from './inferencesh-task.js';

type VideoInput = components['schemas']['Input'];

/** removeVideoBackground -> app bria/video-rmbg (video_url, background_color, output_container_and_codec, preserve_audio) -> { video }. */
export const inferenceShRemoveVideoBackground: InferenceShOperationMapping<RemoveVideoBackgroundCall> = {
  operation: 'removeVideoBackground',
  toInput(call) {
    // Routing admits only the colours and containers the app documents.
    return toBriaVideoInput(call, fileReference(call.video)) as VideoInput;
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
