import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createInferenceWorker } from '../src/local-inference-worker.js';
import { convertModel } from '../src/local-model-conversion.js';
import { readImglyModel } from '../src/local-model-files.js';

const ort = createRequire(import.meta.url)('onnxruntime-node') as {
  InferenceSession: { create(path: string): Promise<{ outputNames: readonly string[] }> };
};

// A small input size keeps these runs short; the graph is the same at every size.
const size = { width: 256, height: 192 };
const sessionOptions = { graphOptimizationLevel: 'all', enableCpuMemArena: true, enableMemPattern: false };
const input = () => {
  const tensor = new Float32Array(3 * size.width * size.height);
  for (let index = 0; index < tensor.length; index++) tensor[index] = Math.sin(index / 97) / 2;
  return tensor;
};

describe('local engine: the converted and optimized models on disk', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'backdrop-model-cache-'));
  afterAll(() => rm(folder, { recursive: true, force: true }));
  const modelPath = join(folder, 'converted.onnx');
  await writeFile(modelPath, convertModel(await readImglyModel('medium'), size));

  it('keeps only the final mask as an output (the side outputs would hold memory until the run ends)', async () => {
    const session = await ort.InferenceSession.create(modelPath);
    expect(session.outputNames).toEqual(['output']);
  }, 60_000);

  it('saves the graph onnxruntime optimized, then loads it again with the same predictions', async () => {
    const optimizedPrefix = join(folder, 'converted-cpu');
    const first = await createInferenceWorker({ model: modelPath, sessionOptions, optimizedPrefix });
    const saved = (await readdir(folder)).filter((name) => name.startsWith('converted-cpu'));
    expect(saved).toEqual([expect.stringMatching(/^converted-cpu-ort\d+\.\d+\.\d+\.onnx$/)]);
    const second = await createInferenceWorker({ model: modelPath, sessionOptions, optimizedPrefix });
    const dimensions = [1, 3, size.height, size.width];
    const [fresh, reloaded] = await Promise.all([
      first.run(input(), dimensions),
      second.run(input(), dimensions),
    ]);
    expect(reloaded).toHaveLength(size.width * size.height);
    let largest = 0;
    for (let index = 0; index < fresh.length; index++)
      largest = Math.max(largest, Math.abs((fresh[index] ?? 0) - (reloaded[index] ?? 0)));
    expect(largest).toBeLessThan(1e-4);
  }, 120_000);

  it('optimizes again when the saved graph cannot be loaded', async () => {
    const optimizedPrefix = join(folder, 'damaged');
    const saved = join(folder, `damaged-ort${(await import('onnxruntime-node')).env.versions.node}.onnx`);
    await writeFile(saved, 'not a model');
    const worker = await createInferenceWorker({ model: modelPath, sessionOptions, optimizedPrefix });
    const output = await worker.run(input(), [1, 3, size.height, size.width]);
    expect(output).toHaveLength(size.width * size.height);
    expect((await stat(saved)).size).toBeGreaterThan(1_000_000); // saved again, whole
  }, 120_000);
});
