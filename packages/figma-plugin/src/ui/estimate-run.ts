import type { Backdrop } from '@backdrop/core';
import type { PluginSettings } from '../shared/plugin-messages.js';
import { buildLayerRequest } from './build-request.js';

export interface RunEstimate {
  /** Display names of the providers routing chose, in order. */
  providers: string[];
  images: number;
  /** Undefined when a chosen provider publishes no price. */
  costUsd: number | undefined;
}

/**
 * What running on these images would do, from core's own routing and price table: nothing is
 * uploaded or sent. Throws core's validation or routing error when the run would be refused.
 */
export async function estimateRun(
  backdrop: Backdrop,
  settings: PluginSettings,
  images: readonly Blob[],
  referenceImage: Blob | undefined,
): Promise<RunEstimate> {
  const estimate: RunEstimate = { providers: [], images: 0, costUsd: 0 };
  for (const image of images) {
    const built = buildLayerRequest(settings, image, referenceImage);
    const one =
      built.operation === 'removeBackground'
        ? await backdrop.estimateRemoveBackground(built.request)
        : await backdrop.estimateReplaceBackground(built.request);
    if (!estimate.providers.includes(one.displayName)) estimate.providers.push(one.displayName);
    estimate.images += one.images;
    estimate.costUsd =
      estimate.costUsd === undefined || one.estimatedCostUsd === undefined
        ? undefined
        : estimate.costUsd + one.estimatedCostUsd;
  }
  return estimate;
}

/** "about $0.054 for 3 images on fal.ai" */
export function describeEstimate(estimate: RunEstimate): string {
  const images = `${estimate.images} ${estimate.images === 1 ? 'image' : 'images'}`;
  const where = estimate.providers.join(' and ');
  if (estimate.costUsd === undefined) return `${images} on ${where}; ${where} publishes no price to estimate`;
  return `About $${estimate.costUsd.toFixed(3)} for ${images} on ${where}`;
}
