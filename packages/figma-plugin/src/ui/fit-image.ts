import { fitWithinFigmaLimit } from '../shared/figma-image-limit.js';
import type { ResultImage } from '../shared/plugin-messages.js';

export interface FittedImage {
  image: ResultImage;
  /** The size the provider delivered, when it had to be scaled down for Figma. */
  scaledFrom?: { width: number; height: number } | undefined;
}

// Figma's createImage takes PNG, JPEG and GIF only.
function isFigmaFormat(bytes: Uint8Array): boolean {
  const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const gif = bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46;
  return png || jpeg || gif;
}

/**
 * A result as Figma can take it: within 4096 px a side and in a format Figma reads. Larger images
 * are scaled down in a canvas (high-quality smoothing) and re-encoded as PNG, keeping transparency.
 */
export async function fitImageForFigma(bytes: Uint8Array<ArrayBuffer>): Promise<FittedImage> {
  const bitmap = await createImageBitmap(new Blob([bytes]));
  try {
    const fitted = fitWithinFigmaLimit(bitmap.width, bitmap.height);
    if (!fitted.scaled && isFigmaFormat(bytes)) {
      return { image: { bytes, width: bitmap.width, height: bitmap.height } };
    }
    const canvas = new OffscreenCanvas(fitted.width, fitted.height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('This browser cannot scale images (no 2D canvas)');
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, fitted.width, fitted.height);
    const png = await canvas.convertToBlob({ type: 'image/png' });
    return {
      image: { bytes: new Uint8Array(await png.arrayBuffer()), width: fitted.width, height: fitted.height },
      scaledFrom: fitted.scaled ? { width: bitmap.width, height: bitmap.height } : undefined,
    };
  } finally {
    bitmap.close();
  }
}
