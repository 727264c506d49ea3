import { fileURLToPath } from 'node:url';
import {
  launchChromium,
  type MediaServer,
  makeSampleImage,
  serveSandboxedPlugin,
  startMediaServer,
} from '@backdrop/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: MediaServer;
let browser: Browser;
let hostUrl: string;

beforeAll(async () => {
  server = await startMediaServer();
  hostUrl = await serveSandboxedPlugin(
    server,
    fileURLToPath(new URL('./browser/smoke-entry.ts', import.meta.url)),
  );
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('core in a real browser', () => {
  it('bundles without Node built-ins and runs an operation inside a null-origin iframe', async () => {
    const output = await makeSampleImage('png', 24, 24);
    const outputUrl = server.addFile('/result.png', output, 'image/png');
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(hostUrl);
    const input = Array.from(await makeSampleImage('png', 16, 16));
    const answer = await page.evaluate(
      ([image, url]) =>
        (window as unknown as { askPlugin: (request: unknown) => Promise<unknown> }).askPlugin({
          image: new Uint8Array(image as number[]),
          outputUrl: url,
        }),
      [input, outputUrl] as const,
    );
    expect(answer).toMatchObject({
      ok: true,
      value: {
        origin: 'null',
        provider: 'fake',
        outputBytes: output.byteLength,
        outputSignature: [0x89, 0x50, 0x4e, 0x47],
        uploaded: [{ fileName: 'image.png', contentType: 'image/png', size: input.length }],
        events: [
          'uploading',
          'uploading',
          'uploading',
          'queued',
          'running',
          'downloading',
          'downloading',
          'done',
        ],
        validation: { code: 'invalid_input', field: 'seed', guard: true, instance: true },
      },
    });
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
