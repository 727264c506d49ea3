import { type RemoveVideoBackgroundCall, toBriaVideoInput } from '@backdrop/core/provider';
import * as z from 'zod/mini';
import type { FalOperationMapping } from './fal-operation-mapping.js';
import { mediaUrl, parseFalOutput } from './fal-output.js';
import type { components } from './generated/fal-bria-video-background-removal.js';

type FalVideoInput = components['schemas']['bria_video-cpu_InputRemoveBackgroundModel'];

const falVideoOutputSchema = z.object({
  video: z.object({ url: z.string(), content_type: z.nullish(z.string()), file_size: z.nullish(z.number()) }),
});

/**
 * removeVideoBackground -> bria/video/background-removal (seed 004): video_url,
 * background_color (Transparent or a colour), output_container_and_codec, preserve_audio -> { video }.
 */
export const falRemoveVideoBackground: FalOperationMapping<RemoveVideoBackgroundCall> = {
  operation: 'removeVideoBackground',
  toRequest(call) {
    // Routing admits only the named colours and containers fal documents for this endpoint.
    const input = toBriaVideoInput(call, mediaUrl(call.video)) as FalVideoInput;
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
