import type { ReplaceBackgroundRequest } from '@backdrop/core';
import type { ReplaceFlags } from '../cli-arguments.js';

/** The replace flags as a request. */
export function replaceRequest(input: string, flags: ReplaceFlags): ReplaceBackgroundRequest {
  return {
    image: input,
    ...(flags.prompt !== undefined ? { prompt: flags.prompt } : {}),
    ...(flags.reference !== undefined ? { referenceImage: flags.reference } : {}),
    ...(flags.color !== undefined ? { backgroundColor: flags.color } : {}),
    ...(flags.negativePrompt !== undefined ? { negativePrompt: flags.negativePrompt } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    ...(flags.count !== undefined ? { count: flags.count } : {}),
  };
}
