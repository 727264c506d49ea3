import type { BackdropWarning, ReplaceBackgroundCall } from '@backdrop/core/provider';
import {
  type FalReplaceBackgroundInput,
  type FalReplaceInput,
  falEndpointIds,
  replaceBackgroundDefaults,
} from './fal-endpoints.js';
import type { FalOperationMapping, FalRequestPlan } from './fal-operation-mapping.js';
import {
  falImageOutputSchema,
  falImagesOutputSchema,
  mediaUrl,
  parseFalOutput,
  toOutputFile,
} from './fal-output.js';
import type { FalProviderOptions } from './fal-provider-options.js';

/** A prompt with one result -> bria/replace-background (seeds 000, 001). */
function toReplaceBackgroundRequest(
  call: ReplaceBackgroundCall,
  options: FalProviderOptions,
): FalRequestPlan {
  const input: FalReplaceBackgroundInput = { image_url: mediaUrl(call.image) };
  if (call.prompt !== undefined) input.prompt = call.prompt;
  if (call.negativePrompt !== undefined) input.negative_prompt = call.negativePrompt;
  if (call.seed !== undefined) input.seed = call.seed;
  if (options.inferenceSteps !== undefined) input.steps_num = options.inferenceSteps;
  if (options.syncMode !== undefined) input.sync_mode = options.syncMode;
  // fal reports no seed for this endpoint: it is the one sent, or the documented default.
  return {
    endpoint: call.model,
    input,
    warnings: [],
    memo: { seed: call.seed ?? replaceBackgroundDefaults.seed },
  };
}

/** A reference image, several results, refinement or a quality mode -> fal-ai/bria/background/replace (seed 003). */
function toBackgroundReplaceRequest(
  call: ReplaceBackgroundCall,
  options: FalProviderOptions,
): FalRequestPlan {
  const input: FalReplaceInput = { image_url: mediaUrl(call.image), num_images: call.count };
  if (call.referenceImage !== undefined) input.ref_image_url = mediaUrl(call.referenceImage);
  if (call.prompt !== undefined) input.prompt = call.prompt;
  if (call.negativePrompt !== undefined) input.negative_prompt = call.negativePrompt;
  if (call.seed !== undefined) input.seed = call.seed;
  if (call.refinePrompt !== undefined) input.refine_prompt = call.refinePrompt;
  if (call.qualityMode !== undefined) input.fast = call.qualityMode === 'fast';
  if (options.syncMode !== undefined) input.sync_mode = options.syncMode;
  const warnings: BackdropWarning[] = [];
  if (options.inferenceSteps !== undefined) {
    warnings.push({
      type: 'unsupported',
      field: 'providerOptions.fal.inferenceSteps',
      message: `providerOptions.fal.inferenceSteps: ${call.model} has no step count; it was not sent`,
    });
  }
  return { endpoint: call.model, input, warnings, memo: {} };
}

export const falReplaceBackground: FalOperationMapping<ReplaceBackgroundCall> = {
  operation: 'replaceBackground',
  toRequest(call, options) {
    return call.model === falEndpointIds.replaceBackgroundByPrompt
      ? toReplaceBackgroundRequest(call, options)
      : toBackgroundReplaceRequest(call, options);
  },
  toOutput(endpoint, data, memo) {
    if (endpoint === falEndpointIds.replaceBackgroundByPrompt) {
      const output = parseFalOutput(falImageOutputSchema, data, endpoint);
      return {
        files: [toOutputFile(output.image)],
        seed: typeof memo.seed === 'number' ? memo.seed : undefined,
      };
    }
    const output = parseFalOutput(falImagesOutputSchema, data, endpoint);
    return { files: output.images.map(toOutputFile), seed: output.seed ?? undefined };
  },
};
