import type { Price } from '../spec/capabilities.js';

/**
 * Published prices by provider and model, for cost estimates. A variant's own `price` wins over
 * this table; a model in neither has an unknown cost (undefined), never a guessed one.
 */
export const priceTable: Readonly<Record<string, Readonly<Record<string, Price>>>> = {
  fal: {
    // Bria RMBG 2.0, seed 003: "$0.018 per inference".
    'fal-ai/bria/background/remove': { usd: 0.018, per: 'image' },
    // Bria Background Replace, seed 003: "$0.023".
    'fal-ai/bria/background/replace': { usd: 0.023, per: 'image' },
    // Bria VRMBG 3.0 realtime: "$0.0042 per second".
    'bria/video/background-removal/realtime': { usd: 0.0042, per: 'second' },
  },
};

export function findPrice(
  provider: string,
  model: string,
  variantPrice?: Price | undefined,
): Price | undefined {
  return variantPrice ?? priceTable[provider]?.[model];
}

export interface Usage {
  images?: number | undefined;
  seconds?: number | undefined;
}

/** The estimated cost in USD, or undefined when the price or the usage it needs is unknown. */
export function estimateCostUsd(price: Price | undefined, usage: Usage): number | undefined {
  if (!price) return undefined;
  const quantity = price.per === 'request' ? 1 : price.per === 'image' ? usage.images : usage.seconds;
  if (quantity === undefined) return undefined;
  return Math.round(price.usd * quantity * 1e6) / 1e6;
}
