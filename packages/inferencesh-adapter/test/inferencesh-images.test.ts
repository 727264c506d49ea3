import type { ProgressEvent } from '@backdrop/core';
import { fixturePath, makeSampleImage, readFixture, readPixel } from '@backdrop/testkit';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import {
  englishPrompt,
  type InferenceShHarness,
  rejection,
  startInferenceShHarness,
} from './support/inferencesh-setup.js';

let harness: InferenceShHarness;
afterEach(() => harness?.emulator.close());

const taskOf = (id: string | undefined) => harness.emulator.tasks.get(id ?? '');

describe('inference.sh removeBackground (bria/rmbg)', () => {
  it('uploads with POST /files then PUT, runs the app on the file uri, follows the stream, returns a real cut-out', async () => {
    harness = await startInferenceShHarness();
    const events: ProgressEvent[] = [];
    const result = await harness.backdrop.removeBackground({
      image: await readFixture('ruby_mug.jpg'),
      onProgress: (event) => events.push(event),
    });
    // The operation ends with done; a later bytes() call reports its own download.
    expect(events.at(-1)?.type).toBe('done');
    expect(result).toMatchObject({
      provider: 'inferencesh',
      model: 'bria/rmbg',
      estimatedCostUsd: undefined,
    });
    const task = taskOf(result.requestId);
    expect(task?.input.image).toMatch(/^inf:\/\/files\/.+\/image\.jpg$/);
    expect(harness.apiCalls()).toEqual(['POST /files', 'POST /apps/run', `GET /tasks/${task?.id}/stream`]);
    const upload = harness.emulator.requests.find((request) => request.method === 'PUT');
    expect(upload?.headers.authorization).toBeUndefined();
    expect(
      harness.emulator.requests.find((request) => request.path === '/apps/run')?.headers.authorization,
    ).toBe('Bearer inf_test_key');
    const png = (await result.outputs[0]?.bytes()) ?? new Uint8Array();
    expect((await readPixel(png, 3, 3))[3]).toBe(0);
    expect((await readPixel(png, 600, 640))[3]).toBe(255);
    expect(events.find((event) => event.type === 'running' && event.percent === 50)).toBeDefined();
    expect(events.flatMap((event) => (event.type === 'running' ? event.logs : []))).toEqual([
      'removing background',
    ]);
    expect(events.at(-1)?.type).toBe('downloading');
  });

  it('uploads a file path and passes URLs through', async () => {
    harness = await startInferenceShHarness();
    const fromPath = await harness.backdrop.removeBackground({ image: fixturePath('coffee.png') });
    expect(taskOf(fromPath.requestId)?.input.image).toMatch(/coffee\.png$/);
    const url = 'https://cdn.example.com/already-hosted.png';
    const error = await rejection(harness.backdrop.removeBackground({ image: url }));
    // The emulator cannot reach the internet: the app fails to download it, as the real one would.
    expect(error).toMatchObject({ code: 'provider_error', provider: 'inferencesh', retryable: false });
    expect(error.message).toContain('failed to download image');
    expect(harness.emulator.requests.filter((request) => request.path === '/files')).toHaveLength(1);
  });
});

describe('inference.sh replaceBackground (bria/replace-background)', () => {
  it('maps every option onto the app input', async () => {
    harness = await startInferenceShHarness();
    const prompt = englishPrompt(60);
    const result = await harness.backdrop.replaceBackground({
      image: await readFixture('ruby_mug.jpg'),
      prompt,
      referenceImage: await makeSampleImage('png', 50, 50),
      qualityMode: 'high_control',
      seed: 12,
      preserveOriginalSize: true,
      refinePrompt: false,
      moderation: false,
    });
    expect(result.model).toBe('bria/replace-background');
    expect(taskOf(result.requestId)?.input).toMatchObject({
      prompt,
      mode: 'high_control',
      seed: 12,
      original_quality: true,
      refine_prompt: false,
      prompt_content_moderation: false,
    });
    expect(String(taskOf(result.requestId)?.input.ref_image)).toMatch(/^inf:\/\/files\//);
  });

  it('leaves unset options out, so the app defaults apply', async () => {
    harness = await startInferenceShHarness();
    const result = await harness.backdrop.replaceBackground({
      image: await readFixture('ruby_mug.jpg'),
      referenceImage: await makeSampleImage('jpeg', 40, 40),
    });
    expect(Object.keys(taskOf(result.requestId)?.input ?? {}).sort()).toEqual(['image', 'ref_image']);
  });

  it('keeps the input size only with preserveOriginalSize', async () => {
    harness = await startInferenceShHarness();
    const truck = await readFixture('truck.jpg');
    const prompt = englishPrompt(55);
    const resized = await harness.backdrop.replaceBackground({ image: truck, prompt, download: true });
    const kept = await harness.backdrop.replaceBackground({
      image: truck,
      prompt,
      preserveOriginalSize: true,
      download: true,
    });
    const size = async (bytes: Uint8Array | undefined) => {
      const metadata = await sharp(bytes ?? new Uint8Array()).metadata();
      return [metadata.width, metadata.height];
    };
    expect(await size(await resized.outputs[0]?.bytes())).toEqual([1024, 683]);
    expect(await size(await kept.outputs[0]?.bytes())).toEqual([1800, 1200]);
  });

  describe('rules, checked before anything is uploaded or sent', () => {
    it.each([49, 111])('refuses a %i-word prompt', async (count) => {
      harness = await startInferenceShHarness();
      const error = await rejection(
        harness.backdrop.replaceBackground({
          image: await readFixture('ruby_mug.jpg'),
          prompt: englishPrompt(count),
        }),
      );
      expect(error).toMatchObject({ code: 'invalid_input', field: 'prompt', provider: 'inferencesh' });
      expect(error.message).toBe(`prompt: ${count} words; inference.sh needs 50-110`);
      expect(harness.emulator.requests).toHaveLength(0);
    });

    it.each([50, 110])('accepts a %i-word prompt', async (count) => {
      harness = await startInferenceShHarness();
      const result = await harness.backdrop.replaceBackground({
        image: await readFixture('ruby_mug.jpg'),
        prompt: englishPrompt(count),
      });
      expect(taskOf(result.requestId)?.input.prompt).toBe(englishPrompt(count));
    });

    it.each([
      [{}, 'prompt', 'prompt: a prompt, a referenceImage or a backgroundColor is required; got none of them'],
      [
        { prompt: Array.from({ length: 60 }, () => '海').join(' ') },
        'prompt',
        'prompt: written in Han; inference.sh needs English',
      ],
      [{ prompt: englishPrompt(60), count: 2 }, 'count', 'count: 2; inference.sh needs 1'],
      [
        { prompt: englishPrompt(60), negativePrompt: 'blur' },
        'negativePrompt',
        'negativePrompt: inference.sh does not take a negative prompt',
      ],
      [
        { prompt: englishPrompt(60), providerOptions: { inferencesh: { region: 'eu' } } },
        'providerOptions.inferencesh.region',
        'providerOptions.inferencesh.region: inferencesh has no such option (it takes infra)',
      ],
    ])('refuses %j', async (extra, field, message) => {
      harness = await startInferenceShHarness();
      const error = await rejection(
        harness.backdrop.replaceBackground({ image: await readFixture('ruby_mug.jpg'), ...extra }),
      );
      expect(error.field).toBe(field);
      expect(error.message).toContain(message);
      expect(harness.emulator.requests).toHaveLength(0);
    });
  });
});
