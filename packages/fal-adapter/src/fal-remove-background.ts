import type { RemoveBackgroundCall } from '@backdrop/core/provider';
import type { FalRemoveInput } from './fal-endpoints.js';
import type { FalOperationMapping } from './fal-operation-mapping.js';
import { falImageOutputSchema, mediaUrl, parseFalOutput, toOutputFile } from './fal-output.js';

/** removeBackground -> fal-ai/bria/background/remove (image_url, sync_mode) -> { image }. */
export const falRemoveBackground: FalOperationMapping<RemoveBackgroundCall> = {
  operation: 'removeBackground',
  toRequest(call, options) {
    const input: FalRemoveInput = { image_url: mediaUrl(call.image) };
    if (options.syncMode !== undefined) input.sync_mode = options.syncMode;
    return { endpoint: call.model, input, warnings: [], memo: {} };
  },
  toOutput(endpoint, data) {
    const output = parseFalOutput(falImageOutputSchema, data, endpoint);
    return { files: [toOutputFile(output.image)] };
  },
};
