import sharp from 'sharp';
import { type LocalBackground, rgbOf } from './local-compose.js';

/** Lays one frame's subject over its background: raw pixels in, raw pixels out. */
export interface FrameComposer {
  /** Bytes a pixel of the composed frames: 4 (RGBA) when transparent, else 3 (RGB). */
  channels: 3 | 4;
  compose(pixels: Buffer, alpha: Buffer): Promise<Buffer>;
}

/**
 * Video frames are blended in place rather than through sharp's compositing: at 1280x720 this
 * is a few milliseconds a frame, and nothing is encoded between the model and ffmpeg.
 */
export async function createFrameComposer(
  background: LocalBackground | { type: 'transparent' },
  width: number,
  height: number,
): Promise<FrameComposer> {
  const count = width * height;
  if (background.type === 'transparent') {
    return {
      channels: 4,
      async compose(pixels, alpha) {
        const output = Buffer.allocUnsafe(count * 4);
        for (let pixel = 0; pixel < count; pixel++) {
          output[pixel * 4] = pixels[pixel * 3] as number;
          output[pixel * 4 + 1] = pixels[pixel * 3 + 1] as number;
          output[pixel * 4 + 2] = pixels[pixel * 3 + 2] as number;
          output[pixel * 4 + 3] = alpha[pixel] as number;
        }
        return output;
      },
    };
  }
  // A still background is drawn once; a blurred one follows each frame.
  let still: Buffer | undefined;
  if (background.type === 'color') {
    const [red, green, blue] = rgbOf(background.color);
    still = Buffer.allocUnsafe(count * 3);
    for (let pixel = 0; pixel < count; pixel++) still.set([red, green, blue], pixel * 3);
  } else if (background.type === 'image') {
    still = await sharp(background.image)
      .rotate()
      .resize(width, height, { fit: 'cover' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer();
  }
  const sigma = background.type === 'blur' ? 0.3 + (background.strength / 100) * 40 : 0;
  return {
    channels: 3,
    async compose(pixels, alpha) {
      const behind =
        still ??
        (await sharp(pixels, { raw: { width, height, channels: 3 } })
          .blur(sigma)
          .raw()
          .toBuffer());
      // Most pixels are wholly subject or wholly background: runs of those are copied, and only
      // the edges between them are blended.
      const output = Buffer.allocUnsafe(count * 3);
      let pixel = 0;
      while (pixel < count) {
        const opacity = alpha[pixel] as number;
        if (opacity === 0 || opacity === 255) {
          let end = pixel + 1;
          while (end < count && alpha[end] === opacity) end++;
          (opacity === 0 ? behind : pixels).copy(output, pixel * 3, pixel * 3, end * 3);
          pixel = end;
          continue;
        }
        for (let channel = pixel * 3; channel < pixel * 3 + 3; channel++) {
          const front = pixels[channel] as number;
          const back = behind[channel] as number;
          output[channel] = (back + ((front - back) * opacity + 127) / 255) | 0;
        }
        pixel++;
      }
      return output;
    },
  };
}
