import { fileURLToPath } from 'node:url';
import {
  type FalEmulator,
  launchChromium,
  type MediaServer,
  makeSampleImage,
  serveSandboxedPlugin,
  startFalEmulator,
  startMediaServer,
} from '@backdrop/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let emulator: FalEmulator;
let pages: MediaServer;
let browser: Browser;
let hostUrl: string;

beforeAll(async () => {
  emulator = await startFalEmulator({ proxyKey: 'test-fal-key' });
  pages = await startMediaServer();
  // The default (browser) export condition: no node: imports, no ws.
  hostUrl = await serveSandboxedPlugin(
    pages,
    fileURLToPath(new URL('./browser/fal-browser-entry.ts', import.meta.url)),
  );
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await emulator?.close();
});

describe('the fal adapter in a browser (null-origin iframe, through the app proxy)', () => {
  it('uploads, runs the queue and downloads the result with no key in the page', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(hostUrl);
    const image = Array.from(await makeSampleImage('png', 32, 32));
    const answer = await page.evaluate(
      ([proxyUrl, bytes]) =>
        (window as unknown as { askPlugin: (request: unknown) => Promise<unknown> }).askPlugin({
          proxyUrl,
          image: new Uint8Array(bytes as number[]),
        }),
      [emulator.proxyUrl, image] as const,
    );
    expect(answer).toEqual({
      ok: true,
      value: {
        origin: 'null',
        removedModel: 'fal-ai/bria/background/remove',
        removedSignature: [0x89, 0x50, 0x4e, 0x47],
        events: ['uploading', 'queued', 'running', 'downloading', 'done'],
        replacedCount: 2,
        refused: 'moderation',
      },
    });
    const api = emulator.requests.filter(
      (request) => request.host !== 'loopback' && request.method !== 'OPTIONS',
    );
    expect(api.length).toBeGreaterThan(4);
    expect(api.every((request) => request.viaProxy && request.clientAuthorization === undefined)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
