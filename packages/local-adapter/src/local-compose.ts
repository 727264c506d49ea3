import type { HexColor, NamedColor } from '@backdrop/core/provider';
import sharp, { type Sharp } from 'sharp';
import type { Mask } from './local-segmentation.js';

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

function rgbOf(color: NamedColor | HexColor): [number, number, number] {
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

/** The subject with its mask as alpha: an RGBA image of the input's size. */
export async function cutout(input: Sharp, mask: Mask): Promise<Sharp> {
  // sharp applies removeAlpha after joinChannel whatever the call order: take the RGB out first.
  const rgb = await input.clone().removeAlpha().raw().toBuffer();
  return sharp(rgb, { raw: { width: mask.width, height: mask.height, channels: 3 } }).joinChannel(
    mask.alpha,
    {
      raw: { width: mask.width, height: mask.height, channels: 1 },
    },
  );
}

/** The background, at the input's size: a colour, the input blurred, or an image cover-fitted. */
function backgroundFor(input: Sharp, background: LocalBackground, width: number, height: number): Sharp {
  if (background.type === 'color') {
    const [r, g, b] = rgbOf(background.color);
    return sharp({ create: { width, height, channels: 3, background: { r, g, b } } });
  }
  if (background.type === 'blur')
    return input
      .clone()
      .removeAlpha()
      .blur(0.3 + (background.strength / 100) * 40);
  return sharp(background.image).rotate().resize(width, height, { fit: 'cover' }).removeAlpha();
}

/** The cut-out laid over the background, as one opaque image. */
export async function composite(input: Sharp, mask: Mask, background: LocalBackground): Promise<Sharp> {
  const subject = await (await cutout(input, mask)).png().toBuffer();
  const base = await backgroundFor(input, background, mask.width, mask.height).png().toBuffer();
  return sharp(base).composite([{ input: subject }]);
}
