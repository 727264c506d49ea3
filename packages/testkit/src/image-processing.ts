import { createHash } from 'node:crypto';
import sharp from 'sharp';

interface RawImage {
  data: Buffer;
  width: number;
  height: number;
}

async function decodeRgba(bytes: Uint8Array): Promise<RawImage> {
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The median colour of the image's border: what a plain studio background looks like. */
function borderColour(image: RawImage): [number, number, number] {
  const { data, width, height } = image;
  const channels: number[][] = [[], [], []];
  const sample = (x: number, y: number) => {
    const offset = (y * width + x) * 4;
    for (let channel = 0; channel < 3; channel++) channels[channel]?.push(data[offset + channel] ?? 0);
  };
  for (let x = 0; x < width; x++) {
    sample(x, 0);
    sample(x, height - 1);
  }
  for (let y = 0; y < height; y++) {
    sample(0, y);
    sample(width - 1, y);
  }
  const median = (values: number[]) =>
    values.sort((left, right) => left - right)[Math.floor(values.length / 2)] ?? 0;
  return [median(channels[0] ?? []), median(channels[1] ?? []), median(channels[2] ?? [])];
}

/**
 * A foreground mask by colour distance from the border colour, with a soft edge. It stands in
 * for the providers' segmentation models: real pixels in, a real cut-out out.
 */
export function foregroundMask(image: RawImage): Uint8Array {
  const [red, green, blue] = borderColour(image);
  const mask = new Uint8Array(image.width * image.height);
  for (let pixel = 0; pixel < mask.length; pixel++) {
    const offset = pixel * 4;
    const distance = Math.hypot(
      (image.data[offset] ?? 0) - red,
      (image.data[offset + 1] ?? 0) - green,
      (image.data[offset + 2] ?? 0) - blue,
    );
    const alpha = Math.min(1, Math.max(0, (distance - 24) / 40));
    mask[pixel] = Math.round(alpha * Math.min(255, image.data[offset + 3] ?? 255));
  }
  return mask;
}

/** Removes the background: an RGBA PNG of the same size whose background is transparent. */
export async function removeBackground(
  bytes: Uint8Array,
): Promise<{ png: Buffer; width: number; height: number }> {
  const image = await decodeRgba(bytes);
  const mask = foregroundMask(image);
  const output = Buffer.from(image.data);
  for (let pixel = 0; pixel < mask.length; pixel++) output[pixel * 4 + 3] = mask[pixel] ?? 0;
  const png = await sharp(output, { raw: { width: image.width, height: image.height, channels: 4 } })
    .png()
    .toBuffer();
  return { png, width: image.width, height: image.height };
}

/** A background drawn from a prompt and a seed: the same pair always gives the same picture. */
async function promptBackground(
  prompt: string,
  seed: number,
  width: number,
  height: number,
): Promise<Buffer> {
  const digest = createHash('sha256').update(`${prompt}\n${seed}`).digest();
  const colour = (offset: number) => `rgb(${digest[offset]},${digest[offset + 1]},${digest[offset + 2]})`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="${colour(0)}"/><stop offset="1" stop-color="${colour(3)}"/>
    </linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`;
  return sharp(Buffer.from(svg)).resize(width, height).ensureAlpha().raw().toBuffer();
}

/**
 * Replaces the background: the cut-out composited over the reference image (cover-fit) or over
 * a background made from the prompt and seed. An opaque PNG of the input's size.
 */
export async function replaceBackground(
  bytes: Uint8Array,
  options: { referenceImage?: Uint8Array | undefined; prompt?: string | undefined; seed: number },
): Promise<{ png: Buffer; width: number; height: number }> {
  const image = await decodeRgba(bytes);
  const mask = foregroundMask(image);
  const background = options.referenceImage
    ? await sharp(options.referenceImage)
        .resize(image.width, image.height, { fit: 'cover' })
        .ensureAlpha()
        .raw()
        .toBuffer()
    : await promptBackground(options.prompt ?? '', options.seed, image.width, image.height);
  const output = Buffer.alloc(image.width * image.height * 4);
  for (let pixel = 0; pixel < mask.length; pixel++) {
    const alpha = (mask[pixel] ?? 0) / 255;
    for (let channel = 0; channel < 3; channel++) {
      const offset = pixel * 4 + channel;
      output[offset] = Math.round(
        (image.data[offset] ?? 0) * alpha + (background[offset] ?? 0) * (1 - alpha),
      );
    }
    output[pixel * 4 + 3] = 255;
  }
  const png = await sharp(output, { raw: { width: image.width, height: image.height, channels: 4 } })
    .png()
    .toBuffer();
  return { png, width: image.width, height: image.height };
}

/** Reads one pixel of an encoded image, for tests that check what an emulator produced. */
export async function readPixel(
  bytes: Uint8Array,
  x: number,
  y: number,
): Promise<[number, number, number, number]> {
  const image = await decodeRgba(bytes);
  const offset = (y * image.width + x) * 4;
  return [
    image.data[offset] ?? 0,
    image.data[offset + 1] ?? 0,
    image.data[offset + 2] ?? 0,
    image.data[offset + 3] ?? 0,
  ];
}
