import { type NamedColor, type RemoveVideoBackgroundCall, titleCaseColor } from '@backdrop/core';
import { z } from 'zod';
import type { FalOperationMapping } from './fal-operation-mapping.js';
import { mediaUrl, parseFalOutput } from './fal-output.js';
import type { components } from './generated/fal-bria-video-background-removal.js';

type FalVideoInput = components['schemas']['bria_video-cpu_InputRemoveBackgroundModel'];

const falVideoOutputSchema = z.object({
  video: z.object({ url: z.string(), content_type: z.string().nullish(), file_size: z.number().nullish() }),
});

/**
 * removeVideoBackground -> bria/video/background-removal (seed 004): video_url,
 * background_color (Transparent or a colour), output_container_and_codec, preserve_audio -> { video }.
 */
export const falRemoveVideoBackground: FalOperationMapping<RemoveVideoBackgroundCall> = {
  operation: 'removeVideoBackground',
  toRequest(call) {
    const input: FalVideoInput = { video_url: mediaUrl(call.video) };
    if (call.background.type === 'transparent') input.background_color = 'Transparent';
    // Routing admits only the named colours fal documents, so the lookup always finds one.
    if (call.background.type === 'color')
      input.background_color = titleCaseColor(call.background.color as NamedColor);
    if (call.container !== undefined)
      input.output_container_and_codec = call.container as FalVideoInput['output_container_and_codec'];
    if (call.keepAudio !== undefined) input.preserve_audio = call.keepAudio;
    return { endpoint: call.model, input, warnings: [], memo: {} };
  },
  toOutput(endpoint, data) {
    const { video } = parseFalOutput(falVideoOutputSchema, data, endpoint);
    return {
      files: [
        {
          url: video.url,
          contentType: video.content_type ?? undefined,
          sizeBytes: video.file_size ?? undefined,
        },
      ],
    };
  },
};
