import { makeSampleImage } from '@backdrop/testkit';
import { describe, expect, it } from 'vitest';
import { BackdropError, createBackdrop } from '../src/index.js';
import { falLikeCapabilities, inferenceLikeCapabilities, words } from './support/capabilities.js';
import { createFakeAdapter } from './support/fake-adapter.js';
import { rejection } from './support/rejection.js';

const image = 'https://cdn.example.com/product.png';

function providers() {
  const fal = createFakeAdapter({
    provider: 'fal',
    displayName: 'fal',
    capabilities: falLikeCapabilities,
    synchronous: true,
  });
  const inference = createFakeAdapter({
    provider: 'inferencesh',
    displayName: 'inference.sh',
    capabilities: inferenceLikeCapabilities,
    synchronous: true,
  });
  return { fal, inference };
}

describe('capability-based routing', () => {
  it('uses the first configured provider that can serve the request', async () => {
    const { fal, inference } = providers();
    const backdrop = createBackdrop({ providers: [inference, fal] });
    const result = await backdrop.replaceBackground({ image, prompt: 'a sunny beach' });
    // inference.sh needs 50-110 words, so the short prompt goes to fal.
    expect(result.provider).toBe('fal');
    expect(result.model).toBe('bria/replace-background');
    expect(inference.calls.start).toHaveLength(0);

    const long = await backdrop.replaceBackground({ image, prompt: words(60) });
    expect(long.provider).toBe('inferencesh');
  });

  it('picks the variant of a provider that fits: a reference image or several results go to the other endpoint', async () => {
    const { fal } = providers();
    const backdrop = createBackdrop({ providers: [fal] });
    expect((await backdrop.replaceBackground({ image, referenceImage: image })).model).toBe(
      'fal-ai/bria/background/replace',
    );
    expect((await backdrop.replaceBackground({ image, prompt: 'studio', count: 3 })).model).toBe(
      'fal-ai/bria/background/replace',
    );
    expect((await backdrop.replaceBackground({ image, prompt: 'studio' })).model).toBe(
      'bria/replace-background',
    );
    expect(fal.calls.start.map((call) => call.model)).toEqual([
      'fal-ai/bria/background/replace',
      'fal-ai/bria/background/replace',
      'bria/replace-background',
    ]);
  });

  it('honours an explicit provider, and reports its value rules as invalid_input', async () => {
    const { fal, inference } = providers();
    const backdrop = createBackdrop({ providers: [fal, inference] });
    const error = await rejection(
      backdrop.replaceBackground({ image, prompt: words(23), provider: 'inferencesh' }),
    );
    expect(error).toMatchObject({ code: 'invalid_input', field: 'prompt', provider: 'inferencesh' });
    expect(error.message).toBe('prompt: 23 words; inference.sh needs 50-110');
    expect(fal.calls.start).toHaveLength(0);
    expect(inference.calls.start).toHaveLength(0);
  });

  it.each([49, 111])('rejects a %i-word prompt on inference.sh and accepts 50 and 110', async (count) => {
    const { inference } = providers();
    const backdrop = createBackdrop({ providers: [inference] });
    expect((await rejection(backdrop.replaceBackground({ image, prompt: words(count) }))).message).toBe(
      `prompt: ${count} words; inference.sh needs 50-110`,
    );
    await expect(backdrop.replaceBackground({ image, prompt: words(50) })).resolves.toBeTruthy();
    await expect(backdrop.replaceBackground({ image, prompt: `  ${words(110)}\n` })).resolves.toBeTruthy();
  });

  it('rejects a prompt in another script where English is required', async () => {
    const { inference } = providers();
    const backdrop = createBackdrop({ providers: [inference] });
    const russian = Array.from({ length: 60 }, () => 'пляж').join(' ');
    expect((await rejection(backdrop.replaceBackground({ image, prompt: russian }))).message).toBe(
      'prompt: written in Cyrillic; inference.sh needs English',
    );
    const accented = `${words(55)} café crème brûlée`;
    await expect(backdrop.replaceBackground({ image, prompt: accented })).resolves.toBeTruthy();
  });

  it('names each field when providers decline for different reasons', async () => {
    const { fal, inference } = providers();
    const backdrop = createBackdrop({ providers: [fal, inference] });
    const error = await rejection(backdrop.replaceBackground({ image, prompt: 'beach', count: 6 }));
    expect(error.field).toBeUndefined();
    expect(error.message).toContain(
      'inference.sh: prompt: 1 word; inference.sh needs 50-110; count: 6; inference.sh needs 1',
    );
  });

  it('says why each provider declined when none can serve', async () => {
    const { fal, inference } = providers();
    const backdrop = createBackdrop({ providers: [fal, inference] });
    const error = await rejection(backdrop.replaceBackground({ image, prompt: words(60), count: 6 }));
    expect(error.code).toBe('unsupported');
    expect(error.field).toBe('count');
    expect(error.message).toContain('No configured provider can serve this replaceBackground request.');
    expect(error.message).toContain(
      'fal: count: 6; fal bria/replace-background needs 1; count: 6; fal fal-ai/bria/background/replace needs 1-4',
    );
    expect(error.message).toContain('inference.sh: count: 6; inference.sh needs 1');
    expect(error.declinedBy?.map((declination) => declination.provider)).toEqual(['fal', 'inferencesh']);
  });

  it('declines operations a provider does not implement', async () => {
    const local = createFakeAdapter({
      provider: 'local',
      displayName: 'local engine',
      capabilities: { removeBackground: falLikeCapabilities.removeBackground },
    });
    const backdrop = createBackdrop({ providers: [local] });
    const error = await rejection(backdrop.replaceBackground({ image, prompt: 'x' }));
    expect(error.code).toBe('unsupported');
    expect(error.message).toContain('local engine cannot replace an image background');
  });

  it("adds a variant's note to what it declines, pointing elsewhere", async () => {
    const local = createFakeAdapter({
      provider: 'local',
      displayName: 'local engine',
      capabilities: {
        replaceBackground: [
          {
            model: 'local',
            image: { formats: ['png', 'jpeg'] },
            referenceImage: { formats: ['png', 'jpeg'] },
            backgroundColor: true,
            resultCount: { min: 1, max: 1 },
            notes: { prompt: 'prompts need a generative model: use fal or inference.sh' },
          },
        ],
      },
    });
    const backdrop = createBackdrop({ providers: [local] });
    const error = await rejection(backdrop.replaceBackground({ image, prompt: 'beach' }));
    expect(error.message).toContain(
      'prompt: local engine cannot replace a background from a prompt; prompts need a generative model: use fal or inference.sh',
    );
    const coloured = createBackdrop({ providers: [createFakeAdapter({ synchronous: true })] });
    expect(
      (await rejection(coloured.replaceBackground({ image, backgroundColor: 'white' }))).message,
    ).toContain('backgroundColor: fake cannot replace a background with a plain colour');
  });

  it('names unconfigured providers and lists the configured ones', async () => {
    const { fal } = providers();
    const error = await rejection(
      createBackdrop({ providers: [fal] }).removeBackground({ image, provider: 'replicate' }),
    );
    expect(error).toMatchObject({ code: 'invalid_input', field: 'provider' });
    expect(error.message).toBe('provider: "replicate" is not configured; configured: fal');
  });

  it('says which endpoint can serve a request the pinned one cannot', async () => {
    const { fal } = providers();
    const backdrop = createBackdrop({ providers: [fal] });
    const error = await rejection(
      backdrop.replaceBackground({ image, referenceImage: image, model: 'bria/replace-background' }),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.field).toBe('referenceImage');
    expect(error.message).toContain(
      'referenceImage: fal bria/replace-background cannot replace a background from a reference image',
    );
    expect(error.message).toContain('fal-ai/bria/background/replace can serve this request');
    expect(fal.calls.start).toHaveLength(0);
  });

  it('checks every declared option: seed range, negative prompt, quality mode, switches, prompt with reference', async () => {
    const { fal, inference } = providers();
    const onlyInference = createBackdrop({ providers: [inference] });
    const onlyFal = createBackdrop({ providers: [fal] });
    const long = words(60);
    expect(
      (await rejection(onlyInference.replaceBackground({ image, prompt: long, negativePrompt: 'blur' })))
        .message,
    ).toBe(
      'No configured provider can serve this replaceBackground request. inference.sh: negativePrompt: inference.sh does not take a negative prompt',
    );
    expect(
      (await rejection(onlyFal.replaceBackground({ image, prompt: 'x', qualityMode: 'high_control' })))
        .message,
    ).toContain('qualityMode: high_control; fal fal-ai/bria/background/replace takes fast, base');
    expect(
      (await rejection(onlyFal.replaceBackground({ image, prompt: 'x', moderation: false }))).message,
    ).toContain('moderation: fal fal-ai/bria/background/replace does not offer switching prompt moderation');
    expect(
      (await rejection(onlyFal.replaceBackground({ image, prompt: 'x', referenceImage: image }))).message,
    ).toContain(
      'referenceImage: fal fal-ai/bria/background/replace takes a prompt or a reference image, not both',
    );
    await expect(
      onlyInference.replaceBackground({
        image,
        prompt: long,
        referenceImage: image,
        preserveOriginalSize: true,
      }),
    ).resolves.toBeTruthy();
  });

  it('checks local files against format, size and pixel limits before any upload', async () => {
    const { inference } = providers();
    const uploader = createFakeAdapter({
      provider: 'inferencesh',
      displayName: 'inference.sh',
      capabilities: inferenceLikeCapabilities,
      uploads: true,
      synchronous: true,
    });
    const backdrop = createBackdrop({ providers: [uploader] });
    const gif = await makeSampleImage('gif', 16, 16);
    expect((await rejection(backdrop.removeBackground({ image: gif }))).message).toBe(
      'image: GIF; inference.sh accepts PNG, JPEG, WebP',
    );
    const large = await makeSampleImage('png', 2100, 2000);
    expect((await rejection(backdrop.removeBackground({ image: large }))).message).toBe(
      'image: 2100x2000 (4.2 MP); inference.sh accepts up to 4 MP',
    );
    expect(uploader.calls.upload).toHaveLength(0);
    void inference;
  });

  it('routes video jobs on the alpha rule and background types', async () => {
    const fake = createFakeAdapter({ provider: 'fal', displayName: 'fal', synchronous: true });
    const backdrop = createBackdrop({ providers: [fake] });
    const video = 'https://cdn.example.com/clip.mp4';
    const alpha = await rejection(
      backdrop.removeVideoBackground({ video, background: 'transparent', container: 'mp4_h264' }),
    );
    expect(alpha).toMatchObject({ code: 'invalid_input', field: 'container' });
    expect(alpha.message).toBe(
      'container: mp4_h264 cannot carry transparency; for a transparent background fal offers webm_vp9, mov_proresks',
    );
    const blur = await rejection(backdrop.removeVideoBackground({ video, background: 'blur' }));
    expect(blur).toMatchObject({ code: 'unsupported', field: 'background' });
    expect(blur.message).toContain('background: blur; fal takes transparent, color backgrounds');
    const colour = await rejection(backdrop.removeVideoBackground({ video, background: '#123456' }));
    expect(colour.message).toContain('background.color: #123456; fal takes black, white, green');
    await backdrop.removeVideoBackground({ video, background: 'green', container: 'mp4_h264' });
    await backdrop.removeVideoBackground({ video });
    // With no container asked for, a transparent background gets one that carries alpha.
    expect(fake.calls.start.at(-1)?.container).toBe('webm_vp9');
  });

  it('lets an adapter check its own provider options and pin a model from them, before any call', async () => {
    const fal = createFakeAdapter({
      provider: 'fal',
      displayName: 'fal',
      capabilities: falLikeCapabilities,
      synchronous: true,
    });
    const pinning = {
      ...fal,
      prepareProviderOptions(_operation: string, options: unknown) {
        const endpoint = (options as { endpoint?: unknown }).endpoint;
        if (endpoint !== undefined && typeof endpoint !== 'string') {
          throw new BackdropError({
            code: 'invalid_input',
            field: 'providerOptions.fal.endpoint',
            message: 'providerOptions.fal.endpoint: must be text',
          });
        }
        return { model: endpoint };
      },
    };
    const backdrop = createBackdrop({ providers: [pinning] });
    const pinned = await backdrop.replaceBackground({
      image,
      prompt: 'x',
      providerOptions: { fal: { endpoint: 'fal-ai/bria/background/replace' } },
    });
    expect(pinned.model).toBe('fal-ai/bria/background/replace');
    const refused = await rejection(
      backdrop.replaceBackground({
        image,
        referenceImage: image,
        providerOptions: { fal: { endpoint: 'bria/replace-background' } },
      }),
    );
    expect(refused.message).toContain('fal-ai/bria/background/replace can serve this request');
    const invalid = await rejection(
      backdrop.replaceBackground({ image, prompt: 'x', providerOptions: { fal: { endpoint: 7 } } }),
    );
    expect(invalid).toMatchObject({ code: 'invalid_input', field: 'providerOptions.fal.endpoint' });
    expect(fal.calls.start).toHaveLength(1);
  });

  it('refuses a Backdrop with no providers or a provider twice', () => {
    expect(() => createBackdrop({ providers: [] })).toThrow(
      'providers: at least one provider adapter is required',
    );
    const { fal } = providers();
    expect(() => createBackdrop({ providers: [fal, fal] })).toThrow('providers: fal is configured twice');
  });
});
