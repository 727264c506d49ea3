import type { ModelSource } from './local-model.js';
import type { ModelSize } from './local-model-conversion.js';
import { predictResized, refineToFullSize, resizeRaw } from './local-segmentation.js';

/**
 * About 512x320 pixels for a 16:9 frame: a sixth of the image path's 1024x1024. ISNet loses the
 * subject when the shorter side drops to 256, and keeps it at 320 as well as at 1024.
 */
const videoModelArea = 512 * 320;
const shortestSide = 320;

/** The inference size for frames of this shape: about the frame's aspect, sides multiples of 64. */
export function videoModelSize(width: number, height: number): ModelSize {
  const scale = Math.sqrt(videoModelArea / (width * height));
  const side = (length: number) => Math.max(shortestSide, Math.round((length * scale) / 64) * 64);
  return { width: side(width), height: side(height) };
}

/** Below this mean change per pixel (of 255) since the last frame run through the model, its mask is reused. */
const stillThreshold = 1.5;
/** A pixel whose colour changed by this much (of 255) takes the new prediction whole. */
const movingDifference = 24;

export interface MattedFrame {
  pixels: Buffer;
  /**
   * The frame's alpha at full size, one byte a pixel: still being scaled up (by sharp, off the
   * main thread) while the model, which blocks the main thread, works on the next frame.
   */
  alpha: Promise<Buffer>;
}

export interface VideoMatte {
  /** Takes the next frame; returns the frames whose mattes are ready, in order (none, one or two). */
  push(frame: Buffer): Promise<MattedFrame[]>;
  /** The frame still held back, once the video has ended. */
  flush(): Promise<MattedFrame[]>;
}

/**
 * Mattes a video's frames in order. The model sees every other frame, at a small size; a frame
 * in between takes the mean of its neighbours' masks (so it waits for the next one). Masks are
 * smoothed over time where the picture is still, so edges do not flicker, while moving pixels
 * take the new prediction at once; when nothing has moved, the last mask is reused outright.
 */
export function createVideoMatte(source: ModelSource, width: number, height: number): VideoMatte {
  const size = videoModelSize(width, height);
  const full = { width, height };
  let last: { pixels: Buffer; mask: Buffer } | undefined;
  let held: Buffer | undefined;
  let index = 0;

  /** Scaled up in the background; awaited by the writer, handled now so an early failure is not unhandled. */
  function scaleUp(mask: Buffer, small: ModelSize, image: ModelSize): Promise<Buffer> {
    const scaled = refineToFullSize(mask, small, image);
    scaled.catch(() => undefined);
    return scaled;
  }

  async function maskOf(frame: Buffer): Promise<Buffer> {
    const pixels = await resizeRaw({ pixels: frame, width, height }, size);
    if (last && meanDifference(pixels, last.pixels) < stillThreshold) return last.mask;
    const prediction = await predictResized(pixels, source, size);
    const mask = last ? smooth(prediction, last.mask, pixels, last.pixels) : prediction;
    last = { pixels, mask };
    return mask;
  }

  return {
    async push(frame) {
      if (index++ % 2 === 1) {
        held = frame;
        return [];
      }
      const before = last?.mask;
      const mask = await maskOf(frame);
      const ready: MattedFrame[] = [];
      if (held && before) {
        ready.push({ pixels: held, alpha: scaleUp(mean(before, mask), size, full) });
        held = undefined;
      }
      ready.push({ pixels: frame, alpha: scaleUp(mask, size, full) });
      return ready;
    },
    async flush() {
      if (!held || !last) return [];
      const frame = held;
      held = undefined;
      return [{ pixels: frame, alpha: scaleUp(last.mask, size, full) }];
    },
  };
}

function mean(first: Buffer, second: Buffer): Buffer {
  const output = Buffer.allocUnsafe(first.length);
  for (let index = 0; index < first.length; index++)
    output[index] = ((first[index] as number) + (second[index] as number) + 1) >> 1;
  return output;
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
