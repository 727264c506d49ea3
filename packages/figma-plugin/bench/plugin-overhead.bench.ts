import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  launchChromium,
  makeSampleImage,
  serveSandboxedPlugin,
  startFalEmulator,
  startMediaServer,
} from '@backdrop/testkit';
import type { BrowserContext } from 'playwright-core';
import { it } from 'vitest';
import { routeProviderHosts, servePlugin } from '../test/browser/figma-harness.js';

const layers = 12;
const concurrency = 3; // the plugin's own
const pollIntervalMs = 250; // the plugin's own
const rounds = 3;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

it('figma plugin: per-image time over core alone, through the fal emulator', async () => {
  const emulator = await startFalEmulator({ keys: ['test-fal-key'], fileOrigin: 'https://v3.fal.media' });
  const server = await startMediaServer();
  const hosts = await servePlugin(server);
  const coreAloneUrl = await serveSandboxedPlugin(
    server,
    fileURLToPath(new URL('./browser/core-alone-entry.ts', import.meta.url)),
  );
  const browser = await launchChromium();
  const image = await makeSampleImage('png', 512, 384);

  // Both sides reach the emulator the same way: Playwright routes fal's hosts to it.
  async function routedContext(): Promise<BrowserContext> {
    const context = await browser.newContext();
    const viaFal = (url: URL) => `${emulator.origin}/__host/${url.hostname}${url.pathname}${url.search}`;
    await routeProviderHosts(context, new URL(hosts.light).origin, {
      'queue.fal.run': viaFal,
      'rest.fal.ai': viaFal,
      'v3.fal.media': (url) => `${emulator.origin}${url.pathname}${url.search}`,
    });
    return context;
  }

  async function coreAlone(): Promise<number> {
    const context = await routedContext();
    const page = await context.newPage();
    await page.goto(coreAloneUrl);
    const answer = (await page.evaluate(
      ([bytes, count, parallel, poll]) =>
        (
          window as unknown as { askPlugin(request: unknown): Promise<{ ok: boolean; value: number }> }
        ).askPlugin({
          image: new Uint8Array(bytes as number[]),
          count,
          concurrency: parallel,
          pollIntervalMs: poll,
        }),
      [Array.from(image), layers, concurrency, pollIntervalMs] as const,
    )) as { ok: boolean; value: number; error?: string };
    await context.close();
    if (!answer.ok) throw new Error(answer.error);
    return answer.value;
  }

  // The plugin: click to every layer written into the (fake) document, in Chromium.
  async function throughPlugin(): Promise<number> {
    const context = await routedContext();
    const page = await context.newPage();
    await page.goto(hosts.light);
    const call = (method: string, ...args: unknown[]) =>
      page.evaluate(
        ([name, values]) =>
          (window as unknown as { figmaCall(m: string, ...a: unknown[]): Promise<unknown> }).figmaCall(
            name,
            ...values,
          ),
        [method, args] as const,
      );
    await page.evaluate(() =>
      (window as unknown as { launchPlugin(c: string, s: unknown[]): Promise<void> }).launchPlugin('open', [
        ['backdrop.provider-keys', { fal: 'test-fal-key', inferencesh: '' }],
      ]),
    );
    const ids: unknown[] = [];
    for (let index = 0; index < layers; index++) {
      ids.push(
        await call('addImageLayer', `Photo ${index}`, Buffer.from(image).toString('base64'), 200, 150),
      );
    }
    await call('select', ids);
    const ui = page.frameLocator('#ui');
    const button = ui.getByRole('button', { name: `Remove background (${layers} layers)` });
    await button.waitFor();
    const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
    const started = performance.now();
    await button.click();
    await frame?.waitForFunction(
      (count) => document.querySelectorAll('li[data-phase="done"]').length === count,
      layers,
      { polling: 5, timeout: 120_000 },
    );
    const elapsed = performance.now() - started;
    await context.close();
    return elapsed;
  }

  await coreAlone();
  await throughPlugin();
  const core: number[] = [];
  const plugin: number[] = [];
  for (let round = 0; round < rounds; round++) {
    core.push(await coreAlone());
    plugin.push(await throughPlugin());
  }
  const perImage = (median(plugin) - median(core)) / layers;
  console.log(
    [
      `figma plugin overhead (${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, headless Chromium; both sides in a null-origin iframe, provider hosts routed to the emulator the same way)`,
      `${layers} removals of a 512×384 PNG, concurrency ${concurrency}, polling ${pollIntervalMs} ms, median of ${rounds}:`,
      `  core alone:          ${median(core).toFixed(0)} ms`,
      `  through the plugin:  ${median(plugin).toFixed(0)} ms (click to every layer written)`,
      `  plugin / core:       ${(median(plugin) / median(core)).toFixed(3)}`,
      `  added per image:     ${perImage.toFixed(1)} ms (messages, image read, canvas decode, createImage, layers)`,
    ].join('\n'),
  );
  await browser.close();
  await server.close();
  await emulator.close();
});
