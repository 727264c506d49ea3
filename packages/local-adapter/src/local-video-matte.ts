import type { ModelSize } from './local-model-conversion.js';
import type { ModelSource } from './local-model.js';
import { predictResized, type RawImage, refineToFullSize, resizeRaw } from './local-segmentation.js';

/**
 * About 448x256 pixels for a 16:9 frame: a ninth of the image path's 1024x1024, which is what
 * makes video near real time on two cores. The mask's edges are then refined at full size.
 */
const videoModelArea = 448 * 256;

/** The inference size for frames of this shape: the frame's aspect, sides multiples of 64. */
export function videoModelSize(width: number, height: number): ModelSize {
  const scale = Math.sqrt(videoModelArea / (width * height));
  const side = (length: number) => Math.max(64, Math.round((length * scale) / 64) * 64);
  return { width: side(width), height: side(height) };
}

/** Below this mean change per pixel (of 255) since the last frame run through the model, its mask is reused. */
const stillThreshold = 1.5;
/** A pixel whose colour changed by this much (of 255) takes the new prediction whole. */
const movingDifference = 24;

export interface VideoMatte {
  /** The frame's alpha at full size: one byte a pixel. */
  matte(frame: RawImage): Promise<Buffer>;
  /** Frames whose mask came from the model, and frames that reused the previous one. */
  readonly predicted: number;
  readonly reused: number;
}

/**
 * Mattes a video's frames in order. Masks are predicted at a small size, smoothed over time
 * where the picture is still (so edges do not flicker) while moving pixels take the new
 * prediction at once, and reused outright when nothing has moved.
 */
export function createVideoMatte(source: ModelSource, width: number, height: number): VideoMatte {
  const size = videoModelSize(width, height);
  let previousPixels: Buffer | undefined;
  let previousMask: Buffer | undefined;
  let predicted = 0;
  let reused = 0;
  return {
    get predicted() {
      return predicted;
    },
    get reused() {
      return reused;
    },
    async matte(frame) {
      const pixels = await resizeRaw(frame, size);
      let mask: Buffer;
      if (previousPixels && previousMask && meanDifference(pixels, previousPixels) < stillThreshold) {
        mask = previousMask;
        reused++;
      } else {
        const prediction = await predictResized(pixels, source, size);
        mask = previousPixels && previousMask ? smooth(prediction, previousMask, pixels, previousPixels) : prediction;
        previousPixels = pixels;
        previousMask = mask;
        predicted++;
      }
      return refineToFullSize(mask, size, frame);
    },
  };
}

function meanDifference(pixels: Buffer, previous: Buffer): number {
  let total = 0;
  for (let index = 0; index < pixels.length; index++)
    total += Math.abs((pixels[index] as number) - (previous[index] as number));
  return total / pixels.length;
}

/**
 * Each pixel's mask moves from the previous one towards the prediction, half way where its
 * colour stayed the same and all the way where it changed by `movingDifference` or more.
 */
function smooth(prediction: Buffer, previousMask: Buffer, pixels: Buffer, previousPixels: Buffer): Buffer {
  const smoothed = Buffer.allocUnsafe(prediction.length);
  for (let pixel = 0, byte = 0; pixel < prediction.length; pixel++, byte += 3) {
    const change =
      Math.abs((pixels[byte] as number) - (previousPixels[byte] as number)) +
      Math.abs((pixels[byte + 1] as number) - (previousPixels[byte + 1] as number)) +
      Math.abs((pixels[byte + 2] as number) - (previousPixels[byte + 2] as number));
    const weight = Math.min(1, 0.5 + change / (6 * movingDifference));
    const before = previousMask[pixel] as number;
    smoothed[pixel] = Math.round(before + weight * ((prediction[pixel] as number) - before));
  }
  return smoothed;
}
