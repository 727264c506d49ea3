import type { HexColor, NamedColor } from '@backdrop/core/provider';
import sharp, { type Sharp } from 'sharp';
import type { Mask, RawImage } from './local-segmentation.js';

const namedRgb: Readonly<Record<NamedColor, [number, number, number]>> = {
  black: [0, 0, 0],
  white: [255, 255, 255],
  gray: [128, 128, 128],
  red: [255, 0, 0],
  green: [0, 255, 0],
  blue: [0, 0, 255],
  yellow: [255, 255, 0],
  cyan: [0, 255, 255],
  magenta: [255, 0, 255],
  orange: [255, 165, 0],
};

export function rgbOf(color: NamedColor | HexColor): [number, number, number] {
  if (color.startsWith('#')) {
    return [
      Number.parseInt(color.slice(1, 3), 16),
      Number.parseInt(color.slice(3, 5), 16),
      Number.parseInt(color.slice(5, 7), 16),
    ];
  }
  return namedRgb[color as NamedColor];
}

export type LocalBackground =
  | { type: 'color'; color: NamedColor | HexColor }
  | { type: 'blur'; strength: number }
  | { type: 'image'; image: Uint8Array };

const rawOf = (image: RawImage, channels: 3 | 4 = 3) => ({
  raw: { width: image.width, height: image.height, channels },
});

/** The subject with its mask as alpha: an RGBA image of the input's size. */
export function cutout(image: RawImage, mask: Mask): Sharp {
  return sharp(image.pixels, rawOf(image)).joinChannel(mask.alpha, {
    raw: { width: mask.width, height: mask.height, channels: 1 },
  });
}

/** The background, at the input's size: a colour, the input blurred, or an image cover-fitted. */
function backgroundFor(image: RawImage, background: LocalBackground): Sharp {
  const { width, height } = image;
  if (background.type === 'color') {
    const [r, g, b] = rgbOf(background.color);
    return sharp({ create: { width, height, channels: 3, background: { r, g, b } } });
  }
  if (background.type === 'blur')
    return sharp(image.pixels, rawOf(image)).blur(0.3 + (background.strength / 100) * 40);
  return sharp(background.image).rotate().resize(width, height, { fit: 'cover' }).removeAlpha();
}

/** The cut-out laid over the background, as one opaque image. Raw pixels throughout: nothing is encoded twice. */
export async function composite(image: RawImage, mask: Mask, background: LocalBackground): Promise<Sharp> {
  const subject = await cutout(image, mask).raw().toBuffer();
  // A grey or RGBA background image would decode to another channel count: made RGB here.
  const { data: base, info } = await backgroundFor(image, background)
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return sharp(base, { raw: { width: info.width, height: info.height, channels: info.channels } }).composite([
    { input: subject, ...rawOf(image, 4) },
  ]);
}
