import { createBackdrop } from '@backdrop/core/node';
import { makeSampleImage } from '@backdrop/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createFal } from '../src/index.js';
import { type FalHarness, rejection, startFalHarness } from './support/fal-setup.js';

let harness: FalHarness;
afterEach(() => harness?.emulator.close());

describe('fal through a server proxy', () => {
  it('sends every API call through the proxy with x-fal-target-url, holding no key itself (Node)', async () => {
    harness = await startFalHarness({ emulator: { proxyKey: 'test-fal-key' } });
    const { emulator } = harness;
    // No credentials and no FAL_KEY needed: the proxy holds the key.
    const backdrop = createBackdrop({
      providers: [createFal({ proxyUrl: emulator.proxyUrl })],
      pollIntervalMs: 20,
    });
    const result = await backdrop.replaceBackground({
      image: await makeSampleImage('png', 24, 24),
      prompt: 'studio',
      count: 2,
    });
    expect(result.outputs).toHaveLength(2);

    const api = emulator.requests.filter((request) => request.host !== 'loopback');
    expect(api.length).toBeGreaterThanOrEqual(4);
    for (const request of api) {
      expect(request.viaProxy).toBe(true);
      expect(request.clientAuthorization).toBeUndefined();
      expect(request.headers['x-fal-target-url']).toMatch(/^https:\/\/(queue\.fal\.run|rest\.fal\.ai)\//);
    }
    expect(api.map((request) => `${request.method} ${request.host}${request.path}`)).toEqual(
      expect.arrayContaining([
        'POST rest.fal.ai/storage/upload/initiate',
        'POST queue.fal.run/fal-ai/bria/background/replace',
      ]),
    );
    // The bytes themselves go straight to the signed upload URL, as fal's client does.
    expect(emulator.requests.some((request) => request.host === 'loopback' && request.method === 'PUT')).toBe(
      true,
    );
  });

  it('surfaces the proxy refusing the call as auth when it holds no key either', async () => {
    harness = await startFalHarness();
    const backdrop = createBackdrop({
      providers: [createFal({ proxyUrl: harness.emulator.proxyUrl })],
      pollIntervalMs: 20,
    });
    const error = await rejection(backdrop.removeBackground({ image: 'https://cdn.example.com/a.png' }));
    expect(error).toMatchObject({ code: 'auth', status: 401 });
    expect(error.message).toContain('POST queue.fal.run/fal-ai/bria/background/remove');
  });
});
