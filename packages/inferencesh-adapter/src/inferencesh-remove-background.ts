import type { RemoveBackgroundCall } from '@backdrop/core/provider';
import type { components } from './generated/inferencesh-bria-rmbg.js';
import {
  fileReference,
  type InferenceShOperationMapping,
  imageOutput,
} from './inferencesh-operation-mapping.js';

type RemoveInput = components['schemas']['Input'];

/** removeBackground -> app bria/rmbg ({ image }) -> { image }. */
export const inferenceShRemoveBackground: InferenceShOperationMapping<RemoveBackgroundCall> = {
  operation: 'removeBackground',
  toInput(call) {
    const input: RemoveInput = { image: fileReference(call.image) };
    return input;
  },
  toOutput: imageOutput,
};
