import { fileURLToPath } from 'node:url';
import {
  type FalEmulator,
  launchChromium,
  type MediaServer,
  makeSampleImage,
  startFalEmulator,
  startMediaServer,
} from '@backdrop/testkit';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let emulator: FalEmulator;
let pages: MediaServer;
let browser: Browser;

beforeAll(async () => {
  // The default (browser) export condition: no node: imports, no ws.
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./browser/fal-browser-entry.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  emulator = await startFalEmulator({ proxyKey: 'test-fal-key' });
  pages = await startMediaServer();
  pages.addStatus('/favicon.ico', 204);
  pages.addFile('/fal.js', bundle.outputFiles[0]?.contents ?? new Uint8Array(), 'text/javascript');
  pages.addPage('/plugin.html', '<!doctype html><script type="module" src="/fal.js"></script>');
  pages.addPage(
    '/host.html',
    `<!doctype html><iframe id="plugin" sandbox="allow-scripts" src="/plugin.html"></iframe>
     <script>
       let ready = false, request, answer;
       const send = () => document.getElementById('plugin').contentWindow.postMessage(request, '*');
       window.addEventListener('message', (event) => {
         if (event.data && event.data.ready) { ready = true; if (request) send(); }
         else if (event.data && 'ok' in event.data) answer(event.data);
       });
       window.run = (proxyUrl, image) => new Promise((resolve) => { answer = resolve; request = { proxyUrl, image }; if (ready) send(); });
     </script>`,
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
    await page.goto(`${pages.origin}/host.html`);
    const image = Array.from(await makeSampleImage('png', 32, 32));
    const answer = await page.evaluate(
      ([proxyUrl, bytes]) =>
        (window as unknown as { run: (p: string, i: Uint8Array) => Promise<unknown> }).run(
          proxyUrl as string,
          new Uint8Array(bytes as number[]),
        ),
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
