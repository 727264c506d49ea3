import type { RemoveBackgroundRequest, ReplaceBackgroundRequest } from '@backdrop/core';
import type { PluginSettings } from '../shared/plugin-messages.js';

/** What one layer's run sends to core: a removal, or a replacement by prompt or reference. */
export type LayerRequest =
  | { operation: 'removeBackground'; request: RemoveBackgroundRequest }
  | { operation: 'replaceBackground'; request: ReplaceBackgroundRequest };

/**
 * The request for one layer's image from the designer's settings. A plain colour is a removal: the
 * colour goes under the cut-out in Figma, where it stays editable. The seed is passed as typed, so
 * core's validation names it when it is not a whole number in range.
 */
export function buildLayerRequest(
  settings: PluginSettings,
  image: Blob,
  referenceImage: Blob | undefined,
): LayerRequest {
  const provider = settings.provider === 'auto' ? undefined : settings.provider;
  if (settings.mode === 'remove' || settings.mode === 'color') {
    return { operation: 'removeBackground', request: { image, provider } };
  }
  const seed = settings.seed.trim() === '' ? undefined : Number(settings.seed.trim());
  const common = { image, provider, count: settings.variations, seed };
  if (settings.mode === 'reference') {
    return { operation: 'replaceBackground', request: { ...common, referenceImage } };
  }
  return {
    operation: 'replaceBackground',
    request: {
      ...common,
      prompt: settings.prompt,
      negativePrompt: settings.negativePrompt.trim() === '' ? undefined : settings.negativePrompt,
    },
  };
}
