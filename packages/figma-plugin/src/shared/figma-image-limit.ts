/** Figma's `createImage` refuses images larger than this on either side. */
export const figmaMaximumImageSide = 4096;

export interface FittedSize {
  width: number;
  height: number;
  /** True when the image must be scaled down to fit. */
  scaled: boolean;
}

/** The size an image must be scaled to for Figma, keeping its aspect ratio. */
export function fitWithinFigmaLimit(width: number, height: number): FittedSize {
  const longest = Math.max(width, height);
  if (longest <= figmaMaximumImageSide) return { width, height, scaled: false };
  const ratio = figmaMaximumImageSide / longest;
  return {
    width: Math.max(1, Math.round(width * ratio)),
    height: Math.max(1, Math.round(height * ratio)),
    scaled: true,
  };
}
