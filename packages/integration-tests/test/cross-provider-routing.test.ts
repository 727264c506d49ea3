import { type Backdrop, createBackdrop } from '@backdrop/core/node';
import { createFal } from '@backdrop/fal-adapter';
import { createInferenceSh } from '@backdrop/inferencesh-adapter';
import {
  captureRejection,
  type FalEmulator,
  type InferenceShEmulator,
  readFixture,
  startFalEmulator,
  startInferenceShEmulator,
} from '@backdrop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let fal: FalEmulator;
let inference: InferenceShEmulator;
let backdrop: Backdrop;

const longPrompt = Array.from(
  { length: 60 },
  (_, index) => ['warm', 'light', 'on', 'a', 'marble', 'counter'][index % 6],
).join(' ');

beforeAll(async () => {
  fal = await startFalEmulator();
  inference = await startInferenceShEmulator();
  // inference.sh first: it is preferred whenever it can serve.
  backdrop = createBackdrop({
    providers: [
      createInferenceSh({ apiKey: 'inf_test_key', baseUrl: inference.origin }),
      createFal({ credentials: 'test-fal-key', fetch: fal.fetch }),
    ],
    // Reaches both adapters; fal's emulator passes every other host through.
    fetch: fal.fetch,
    pollIntervalMs: 20,
    // Both emulators serve outputs on loopback: allowed explicitly.
    allowPrivateAddresses: ['127.0.0.1'],
  });
});
afterAll(async () => {
  await fal.close();
  await inference.close();
});

describe('routing over the real capability declarations', () => {
  it('sends a short prompt to fal, which inference.sh would refuse (50-110 words)', async () => {
    const result = await backdrop.replaceBackground({
      image: await readFixture('ruby_mug.jpg'),
      prompt: 'a sunny beach',
    });
    expect(result).toMatchObject({ provider: 'fal', model: 'bria/replace-background' });
    expect(inference.requests.filter((request) => request.path === '/apps/run')).toHaveLength(0);
  });

  it('keeps a prompt of 50-110 English words on inference.sh', async () => {
    const result = await backdrop.replaceBackground({
      image: await readFixture('ruby_mug.jpg'),
      prompt: longPrompt,
    });
    expect(result).toMatchObject({ provider: 'inferencesh', model: 'bria/replace-background' });
  });

  it('sends several results to fal, and a prompt with a reference image to inference.sh', async () => {
    const several = await backdrop.replaceBackground({
      image: await readFixture('ruby_mug.jpg'),
      prompt: longPrompt,
      count: 2,
    });
    expect(several.provider).toBe('fal');
    const both = await backdrop.replaceBackground({
      image: await readFixture('ruby_mug.jpg'),
      prompt: longPrompt,
      referenceImage: await readFixture('coffee.png'),
    });
    expect(both.provider).toBe('inferencesh');
  });

  it('says why each provider declined when none can serve', async () => {
    const error = (await captureRejection(
      backdrop.replaceBackground({ image: await readFixture('ruby_mug.jpg'), prompt: 'short', count: 9 }),
    )) as Error;
    expect(error.message).toContain(
      'inference.sh: prompt: 1 word; inference.sh needs 50-110; count: 9; inference.sh needs 1',
    );
    expect(error.message).toContain(
      'fal: count: 9; fal bria/replace-background needs 1; count: 9; fal fal-ai/bria/background/replace needs 1-4',
    );
  });
});
