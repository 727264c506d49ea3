import type { ReplaceBackgroundCall } from '@backdrop/core/provider';
import type { components } from './generated/inferencesh-bria-replace-background.js';
import {
  fileReference,
  type InferenceShOperationMapping,
  imageOutput,
} from './inferencesh-operation-mapping.js';

type ReplaceInput = components['schemas']['Input'];

/**
 * replaceBackground -> app bria/replace-background: image, prompt, ref_image, mode, seed,
 * original_quality, refine_prompt, prompt_content_moderation -> { image }. Options left unset
 * are not sent, so the app's documented defaults apply.
 */
export const inferenceShReplaceBackground: InferenceShOperationMapping<ReplaceBackgroundCall> = {
  operation: 'replaceBackground',
  toInput(call) {
    const input: ReplaceInput = { image: fileReference(call.image) };
    if (call.prompt !== undefined) input.prompt = call.prompt;
    if (call.referenceImage !== undefined) input.ref_image = fileReference(call.referenceImage);
    if (call.qualityMode !== undefined) input.mode = call.qualityMode;
    if (call.seed !== undefined) input.seed = call.seed;
    if (call.preserveOriginalSize !== undefined) input.original_quality = call.preserveOriginalSize;
    if (call.refinePrompt !== undefined) input.refine_prompt = call.refinePrompt;
    if (call.moderation !== undefined) input.prompt_content_moderation = call.moderation;
    return input;
  },
  toOutput: (output) => imageOutput(output),
};
