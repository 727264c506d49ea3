import { fileURLToPath } from 'node:url';
import { launchChromium, type MediaServer, makeSampleImage, startMediaServer } from '@backdrop/testkit';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: MediaServer;
let browser: Browser;
let bundle: string;

beforeAll(async () => {
  // platform 'browser' makes esbuild fail on any node: import, so this also proves the entry is browser-safe.
  const output = await build({
    entryPoints: [fileURLToPath(new URL('./browser/smoke-entry.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  bundle = output.outputFiles[0]?.text ?? '';
  server = await startMediaServer();
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
    server.addStatus('/favicon.ico', 204);
    server.addFile('/smoke.js', new TextEncoder().encode(bundle), 'text/javascript');
    server.addPage('/smoke.html', '<!doctype html><script type="module" src="/smoke.js"></script>');
    server.addPage(
      '/host.html',
      `<!doctype html><iframe id="plugin" sandbox="allow-scripts" src="/smoke.html"></iframe>
       <script>
         // The iframe may be ready before the test asks: remember both and meet in the middle.
         let ready = false, request, answer;
         const send = () => document.getElementById('plugin').contentWindow.postMessage(request, '*');
         window.addEventListener('message', (event) => {
           if (event.data && event.data.ready) { ready = true; if (request) send(); }
           else if (event.data && 'ok' in event.data) answer(event.data);
         });
         window.smoke = (image, outputUrl) => new Promise((resolve) => {
           answer = resolve;
           request = { image, outputUrl };
           if (ready) send();
         });
       </script>`,
    );
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(`${server.origin}/host.html`);
    const input = Array.from(await makeSampleImage('png', 16, 16));
    const answer = await page.evaluate(
      ([image, url]) =>
        (window as unknown as { smoke: (i: Uint8Array, u: string) => Promise<unknown> }).smoke(
          new Uint8Array(image as number[]),
          url as string,
        ),
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
