import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  type FalEmulator,
  type InferenceShEmulator,
  launchChromium,
  type MediaServer,
  makeSampleImage,
  startFalEmulator,
  startInferenceShEmulator,
  startMediaServer,
} from '@backdrop/testkit';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedByManifest, routeProviderHosts, servePlugin, type Theme } from './browser/figma-harness.js';

const falKey = 'test-fal-key';
const inferenceKey = 'inf_test_key';
const falFiles = 'https://v3.fal.media';
const inferenceFiles = 'https://files.inference.sh';
const packageRoot = fileURLToPath(new URL('../', import.meta.url));

let browser: Browser;
let server: MediaServer;
let hosts: Record<Theme, string>;
let fal: FalEmulator;
let slowFal: FalEmulator;
let inference: InferenceShEmulator;
let allowedDomains: string[];
const routedUrls: string[] = [];

beforeAll(async () => {
  fal = await startFalEmulator({ keys: [falKey], fileOrigin: falFiles, flaggedWords: ['forbidden-content'] });
  slowFal = await startFalEmulator({ keys: [falKey], fileOrigin: falFiles, processingMs: 120_000 });
  inference = await startInferenceShEmulator({ apiKeys: [inferenceKey], fileOrigin: inferenceFiles });
  server = await startMediaServer();
  hosts = await servePlugin(server);
  browser = await launchChromium();
  allowedDomains = JSON.parse(await readFile(`${packageRoot}manifest.json`, 'utf8')).networkAccess
    .allowedDomains;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await Promise.all([fal?.close(), slowFal?.close(), inference?.close()]);
});

interface PaintView {
  type: string;
  imageHash?: string;
  scaleMode?: string;
  color?: unknown;
  imageSize?: { width: number; height: number };
}

/** A layer as the fake Figma describes it (figma-worker.ts). */
interface LayerView {
  id: string;
  name: string;
  index: number;
  x: number;
  y: number;
  width: number;
  height: number;
  relaunchData: Record<string, string>;
  fills: PaintView[];
}

interface HarnessWindow {
  launchPlugin(command: string, storage: Array<[string, unknown]>): Promise<void>;
  figmaCall(method: string, ...args: unknown[]): Promise<unknown>;
}

interface Plugin {
  page: Page;
  ui: FrameLocator;
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
  addLayer(name: string, bytes: Uint8Array, width?: number, height?: number): Promise<string>;
  select(...ids: string[]): Promise<void>;
  layers(): Promise<LayerView[]>;
  refused: string[];
  close(): Promise<void>;
}

/** Opens the plugin as Figma would, with provider hosts routed to the emulators. */
async function openPlugin(
  options: {
    theme?: Theme;
    command?: string;
    storage?: Array<[string, unknown]>;
    falEmulator?: FalEmulator;
  } = {},
): Promise<Plugin> {
  const context = await browser.newContext({ viewport: { width: 380, height: 620 } });
  const falEmulator = options.falEmulator ?? fal;
  const viaFal = (url: URL) => `${falEmulator.origin}/__host/${url.hostname}${url.pathname}${url.search}`;
  const direct = (origin: string) => (url: URL) => `${origin}${url.pathname}${url.search}`;
  const { routed, refused } = await routeProviderHosts(context, new URL(hosts.light).origin, {
    'queue.fal.run': viaFal,
    'rest.fal.ai': viaFal,
    'v3.fal.media': direct(falEmulator.origin),
    'api.inference.sh': direct(inference.origin),
    'files.inference.sh': direct(inference.origin),
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(hosts[options.theme ?? 'light']);
  await page.evaluate(
    ([command, storage]) => (window as unknown as HarnessWindow).launchPlugin(command, storage),
    [options.command ?? 'open', options.storage ?? []] as const,
  );
  const call = <T>(method: string, ...args: unknown[]) =>
    page.evaluate(([name, values]) => (window as unknown as HarnessWindow).figmaCall(name, ...values), [
      method,
      args,
    ] as const) as Promise<T>;
  return {
    page,
    ui: page.frameLocator('#ui'),
    call,
    addLayer: (name, bytes, width = 200, height = 150) =>
      call<string>('addImageLayer', name, Buffer.from(bytes).toString('base64'), width, height),
    select: async (...ids) => {
      await call('select', ids);
    },
    layers: () => call<LayerView[]>('page'),
    refused,
    async close() {
      routedUrls.push(...routed.map((request) => request.url));
      expect(errors).toEqual([]);
      await context.close();
    },
  };
}

async function saveKeys(plugin: Plugin, keys: { fal?: string; inferencesh?: string }) {
  await plugin.ui.getByRole('tab', { name: 'Settings' }).click();
  if (keys.fal !== undefined) await plugin.ui.getByLabel('fal API key').fill(keys.fal);
  if (keys.inferencesh !== undefined)
    await plugin.ui.getByLabel('inference.sh API key').fill(keys.inferencesh);
  await plugin.ui.getByRole('button', { name: 'Save keys' }).click();
  await plugin.ui.getByRole('tab', { name: 'Edit' }).click();
}

/** Waits for what the UI shows: estimates and jobs take a while on a loaded 2-core machine. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 30_000 });

/** The mode buttons are labels over visually hidden radios, as designers click them. */
async function chooseMode(plugin: Plugin, mode: string) {
  await plugin.ui.locator('.modes label', { hasText: mode }).click();
  await poll(() => plugin.ui.getByRole('radio', { name: mode }).isChecked()).toBe(true);
}

async function waitForPhases(plugin: Plugin, phase: string, count: number) {
  await expect
    .poll(() => plugin.ui.locator(`li[data-phase="${phase}"]`).count(), { timeout: 60_000 })
    .toBe(count);
}

const resultsOf = async (plugin: Plugin, label: string) =>
  (await plugin.layers()).filter((layer) => String(layer.name).includes(`(${label}`));

/** The image a layer's fill shows, decoded: its size and whether it has transparent pixels. */
async function imageOf(plugin: Plugin, layerId: string, paintIndex = 0) {
  const bytes = Buffer.from(await plugin.call<string>('imageBytes', layerId, paintIndex), 'base64');
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  let transparent = 0;
  for (let index = 3; index < data.length; index += 4) if ((data[index] ?? 255) < 128) transparent++;
  return {
    width: info.width,
    height: info.height,
    transparentShare: transparent / (info.width * info.height),
  };
}

describe('the Figma plugin, built, in headless Chromium (sandbox in a worker, UI in a null-origin iframe)', () => {
  it('opens on its settings without a key, takes one, and removes a background on one layer', async () => {
    const plugin = await openPlugin();
    await poll(() => plugin.ui.getByRole('status').textContent()).toContain(
      'Add a fal or inference.sh API key',
    );
    const mug = await plugin.addLayer('Mug', await makeSampleImage('jpeg', 96, 72));
    await plugin.select(mug);
    await saveKeys(plugin, { fal: falKey });
    await poll(() => plugin.ui.getByTestId('estimate').textContent()).toBe('About $0.018 for 1 image on fal');
    await plugin.ui.getByRole('button', { name: 'Remove background' }).click();
    await waitForPhases(plugin, 'done', 1);

    const [copy] = await resultsOf(plugin, 'background removed');
    const original = (await plugin.layers()).find((layer) => layer.id === mug);
    expect(copy).toMatchObject({
      name: 'Mug (background removed)',
      x: original?.x,
      y: original?.y,
      width: 200,
      height: 150,
    });
    expect(copy?.index).toBe((original?.index ?? 0) + 1);
    expect(copy?.relaunchData).toEqual({ 'remove-background': '' });
    expect(copy?.fills[0]).toMatchObject({
      type: 'IMAGE',
      scaleMode: 'FILL',
      imageSize: { width: 96, height: 72 },
    });
    const cutout = await imageOf(plugin, copy?.id ?? '');
    expect(cutout).toMatchObject({ width: 96, height: 72 });
    expect(cutout.transparentShare).toBeGreaterThan(0.3);
    expect(await plugin.call('notifications')).toEqual([
      { message: 'Backdrop: 1 done · about $0.018', error: false },
    ]);

    // The key is nowhere a designer or a file could show it.
    const everywhere = JSON.stringify([await plugin.layers(), await plugin.call('notifications')]);
    expect(everywhere).not.toContain(falKey);
    expect(await plugin.ui.locator('body').textContent()).not.toContain(falKey);
    await plugin.close();
  });

  it('removes backgrounds on three layers side by side, each with its own progress', async () => {
    const plugin = await openPlugin({
      storage: [['backdrop.provider-keys', { fal: falKey, inferencesh: '' }]],
    });
    const ids = [];
    for (const name of ['Chair', 'Lamp', 'Vase'])
      ids.push(await plugin.addLayer(name, await makeSampleImage('png', 64, 64)));
    await plugin.select(...ids);
    await poll(() => plugin.ui.getByTestId('estimate').textContent()).toBe(
      'About $0.054 for 3 images on fal',
    );
    await plugin.ui.getByRole('button', { name: 'Remove background (3 layers)' }).click();
    await waitForPhases(plugin, 'done', 3);
    expect((await resultsOf(plugin, 'background removed')).map((layer) => layer.name).sort()).toEqual([
      'Chair (background removed)',
      'Lamp (background removed)',
      'Vase (background removed)',
    ]);
    await plugin.close();
  });

  it('replaces by prompt with 2 variations on inference.sh-or-fal routing, and shows the live word count', async () => {
    const plugin = await openPlugin({
      storage: [['backdrop.provider-keys', { fal: falKey, inferencesh: inferenceKey }]],
    });
    const shoe = await plugin.addLayer('Shoe', await makeSampleImage('png', 80, 60));
    await plugin.select(shoe);
    await chooseMode(plugin, 'Prompt');
    await plugin.ui
      .getByRole('textbox', { name: 'Prompt', exact: true })
      .fill('on a marble counter in soft light');
    await poll(() => plugin.ui.getByTestId('word-count').textContent()).toBe('7 words');
    await plugin.ui.getByLabel('Variations').selectOption('2');
    // Pinned to inference.sh, a 7-word prompt is refused before anything is sent.
    await plugin.ui.getByLabel('Provider').selectOption('inferencesh');
    await poll(() => plugin.ui.getByTestId('estimate').textContent()).toContain('inference.sh');
    expect(await plugin.ui.getByTestId('estimate').getAttribute('class')).toContain('error');
    // Automatic: core routes it to fal, which takes short prompts and 2 results.
    await plugin.ui.getByLabel('Provider').selectOption('auto');
    await poll(() => plugin.ui.getByTestId('estimate').textContent()).toBe(
      'About $0.046 for 2 images on fal',
    );
    await plugin.ui.getByRole('button', { name: 'Replace background' }).click();
    await waitForPhases(plugin, 'done', 1);
    const results = await resultsOf(plugin, 'background replaced');
    expect(results.map((layer) => layer.name)).toEqual([
      'Shoe (background replaced)',
      'Shoe (background replaced 2)',
    ]);
    expect(results[1]?.x).toBe((results[0]?.x ?? 0) + 200 + 24);
    const submitted = fal.requests.filter(
      (request) => request.method === 'POST' && request.path.includes('background/replace'),
    );
    expect(submitted.at(-1)?.body).toMatchObject({
      prompt: 'on a marble counter in soft light',
      num_images: 2,
    });
    await plugin.close();
  });

  it('replaces by a reference layer, and by a plain colour kept editable in the fills', async () => {
    const plugin = await openPlugin({
      storage: [['backdrop.provider-keys', { fal: falKey, inferencesh: '' }]],
    });
    const product = await plugin.addLayer('Bottle', await makeSampleImage('png', 64, 64));
    const scene = await plugin.addLayer('Kitchen', await makeSampleImage('jpeg', 64, 64));
    await plugin.select(product, scene);
    await chooseMode(plugin, 'Reference');
    await plugin.ui.getByLabel('Reference image', { exact: true }).selectOption(scene);
    await poll(() => plugin.ui.locator(`li[data-layer-id="${scene}"]`).textContent()).toContain(
      '(reference)',
    );
    await plugin.ui.getByRole('button', { name: 'Replace background' }).click();
    await waitForPhases(plugin, 'done', 1);
    expect((await resultsOf(plugin, 'background replaced')).map((layer) => layer.name)).toEqual([
      'Bottle (background replaced)',
    ]);
    const submitted = fal.requests.filter(
      (request) => request.method === 'POST' && request.path.includes('background/replace'),
    );
    expect(String((submitted.at(-1)?.body as { ref_image_url?: string } | undefined)?.ref_image_url)).toMatch(
      /^https:\/\/v3\.fal\.media\/files\//,
    );

    await plugin.select(product);
    await chooseMode(plugin, 'Colour');
    await plugin.ui.locator('input[type="color"]').fill('#ff8800');
    await plugin.ui.getByRole('button', { name: 'Replace background' }).click();
    await waitForPhases(plugin, 'done', 1);
    const coloured = (await resultsOf(plugin, 'background replaced')).find(
      (layer) => layer.fills[0]?.type === 'SOLID',
    );
    expect(coloured?.fills.map((paint: { type: string }) => paint.type)).toEqual(['SOLID', 'IMAGE']);
    expect(coloured?.fills[0]?.color).toEqual({ r: 1, g: 136 / 255, b: 0 });
    expect((await imageOf(plugin, coloured?.id ?? '', 1)).transparentShare).toBeGreaterThan(0.3);
    await plugin.close();
  });

  it('shows a moderation refusal in plain words and writes nothing', async () => {
    const plugin = await openPlugin({
      storage: [['backdrop.provider-keys', { fal: falKey, inferencesh: '' }]],
    });
    const layer = await plugin.addLayer('Poster', await makeSampleImage('png', 64, 64));
    await plugin.select(layer);
    await chooseMode(plugin, 'Prompt');
    await plugin.ui.getByRole('textbox', { name: 'Prompt', exact: true }).fill('a forbidden-content scene');
    await plugin.ui.getByRole('button', { name: 'Replace background' }).click();
    await waitForPhases(plugin, 'failed', 1);
    expect(await plugin.ui.locator(`li[data-layer-id="${layer}"] .layer-state`).textContent()).toBe(
      "fal's moderation refused the prompt. Rephrase it and run again.",
    );
    expect(await resultsOf(plugin, 'background replaced')).toEqual([]);
    expect(await plugin.call('notifications')).toEqual([
      { message: 'Backdrop: 0 done, 1 failed', error: true },
    ]);
    await plugin.close();
  });

  it('says a rejected key and a busy provider in plain words, never showing the key', async () => {
    const plugin = await openPlugin({
      storage: [['backdrop.provider-keys', { fal: 'wrong-fal-key-0000', inferencesh: '' }]],
    });
    const layer = await plugin.addLayer('Lamp', await makeSampleImage('png', 64, 64));
    await plugin.select(layer);
    await plugin.ui.getByRole('button', { name: 'Remove background' }).click();
    await waitForPhases(plugin, 'failed', 1);
    const state = plugin.ui.locator(`li[data-layer-id="${layer}"] .layer-state`);
    expect(await state.textContent()).toBe('fal rejected the API key. Check the key in Settings.');

    await saveKeys(plugin, { fal: falKey });
    fal.faults.add({ operation: 'initiate', fault: { type: 'status', status: 503 }, times: 3 });
    await plugin.ui.getByRole('button', { name: 'Remove background' }).click();
    await waitForPhases(plugin, 'failed', 1);
    expect(await state.textContent()).toBe(
      'fal is busy or unreachable (it retried 2 times). Try again in a minute.',
    );
    expect(await plugin.ui.locator('body').textContent()).not.toMatch(/wrong-fal-key|test-fal-key/);
    expect(JSON.stringify(await plugin.call('notifications'))).not.toMatch(/wrong-fal-key|test-fal-key/);
    await plugin.close();
  });

  it('replaces by a reference file picked from disk', async () => {
    const plugin = await openPlugin({
      storage: [['backdrop.provider-keys', { fal: falKey, inferencesh: '' }]],
    });
    const layer = await plugin.addLayer('Chair', await makeSampleImage('png', 64, 64));
    await plugin.select(layer);
    await chooseMode(plugin, 'Reference');
    await plugin.ui.getByLabel('Reference image file').setInputFiles({
      name: 'living-room.jpg',
      mimeType: 'image/jpeg',
      buffer: Buffer.from(await makeSampleImage('jpeg', 48, 48)),
    });
    await poll(() => plugin.ui.getByTestId('estimate').textContent()).toBe('About $0.023 for 1 image on fal');
    await plugin.ui.getByRole('button', { name: 'Replace background' }).click();
    await waitForPhases(plugin, 'done', 1);
    const submitted = fal.requests.filter(
      (request) => request.method === 'POST' && request.path.includes('background/replace'),
    );
    const body = submitted.at(-1)?.body as { ref_image_url?: string; prompt?: string } | undefined;
    expect(body?.ref_image_url).toMatch(/^https:\/\/v3\.fal\.media\/files\/.+living-room/);
    expect(body?.prompt).toBeUndefined();
    await plugin.close();
  });

  it('cancels mid-job: the provider is asked to cancel and nothing is written', async () => {
    const plugin = await openPlugin({
      falEmulator: slowFal,
      storage: [['backdrop.provider-keys', { fal: falKey, inferencesh: '' }]],
    });
    const layer = await plugin.addLayer('Sofa', await makeSampleImage('png', 64, 64));
    await plugin.select(layer);
    await plugin.ui.getByRole('button', { name: 'Remove background' }).click();
    await poll(() => plugin.ui.locator('li').getAttribute('data-phase')).toMatch(/queued|running/);
    await plugin.ui.getByRole('button', { name: 'Cancel' }).click();
    await waitForPhases(plugin, 'cancelled', 1);
    await poll(() =>
      slowFal.requests.some((request) => request.method === 'PUT' && request.path.endsWith('/cancel')),
    ).toBe(true);
    expect(await resultsOf(plugin, 'background removed')).toEqual([]);
    await plugin.close();
  });

  it('remembers the key and options across restarts, and runs the relaunch button in one click', async () => {
    const first = await openPlugin();
    await saveKeys(first, { inferencesh: inferenceKey });
    await first.ui.getByRole('checkbox', { name: /Keep original/ }).uncheck();
    await expect.poll(async () => (await first.call<Array<[string, unknown]>>('storage')).length).toBe(2);
    const storage = await first.call<Array<[string, unknown]>>('storage');
    await first.close();

    // Reopened from the layer's relaunch button: it opens on Edit and removes at once.
    const restarted = await openPlugin({ command: 'remove-background', storage });
    const id = await restarted.addLayer('Photo', await makeSampleImage('png', 64, 64));
    await restarted.select(id);
    await poll(() => restarted.ui.getByRole('tab', { name: 'Edit' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    expect(await restarted.ui.getByRole('checkbox', { name: /Keep original/ }).isChecked()).toBe(false);
    await restarted.ui.getByRole('button', { name: 'Remove background' }).click();
    await waitForPhases(restarted, 'done', 1);
    const swapped = (await restarted.layers()).find((layer) => layer.id === id);
    expect(swapped?.name).toBe('Photo');
    expect(swapped?.relaunchData).toEqual({ 'remove-background': '' });
    expect((await imageOf(restarted, id)).transparentShare).toBeGreaterThan(0.3);
    expect(inference.requests.some((request) => request.path === '/apps/run')).toBe(true);
    await restarted.close();
  });

  it('scales a result over 4096 px down for Figma and says so', async () => {
    const plugin = await openPlugin({
      storage: [['backdrop.provider-keys', { fal: falKey, inferencesh: '' }]],
    });
    const wide = await plugin.call<string>(
      'addOversizedImageLayer',
      'Banner',
      Buffer.from(await makeSampleImage('png', 5000, 200)).toString('base64'),
    );
    await plugin.select(wide);
    await plugin.ui.getByRole('button', { name: 'Remove background' }).click();
    await waitForPhases(plugin, 'done', 1);
    expect(await plugin.ui.locator('li .layer-state').textContent()).toContain(
      'Scaled down from 5000 × 200 to 4096 × 164 px',
    );
    const [copy] = await resultsOf(plugin, 'background removed');
    expect(copy?.fills[0]?.imageSize).toEqual({ width: 4096, height: 164 });
    await plugin.close();
  });

  it('takes screenshots in light and dark theme', async () => {
    const shots: Record<string, Buffer> = {};
    for (const theme of ['light', 'dark'] as const) {
      const plugin = await openPlugin({
        theme,
        storage: [['backdrop.provider-keys', { fal: falKey, inferencesh: '' }]],
      });
      const ids = [];
      for (const name of ['Mug', 'Teapot'])
        ids.push(await plugin.addLayer(name, await makeSampleImage('png', 64, 64)));
      await plugin.select(...ids);
      await chooseMode(plugin, 'Prompt');
      await plugin.ui
        .getByRole('textbox', { name: 'Prompt', exact: true })
        .fill('on a white marble counter, soft morning light');
      await plugin.ui.getByLabel('Variations').selectOption('2');
      await poll(() => plugin.ui.getByTestId('estimate').textContent()).toBe(
        'About $0.092 for 4 images on fal',
      );
      await plugin.ui.getByRole('button', { name: 'Replace background (2 layers)' }).click();
      await waitForPhases(plugin, 'done', 2);
      await poll(() => plugin.ui.getByTestId('estimate').textContent()).toBe(
        'About $0.092 for 4 images on fal',
      );
      shots[theme] = await plugin.page.locator('#ui').screenshot();
      await plugin.close();
    }
    const brightness = async (png: Buffer) => (await sharp(png).greyscale().stats()).channels[0]?.mean ?? 0;
    expect(await brightness(shots.light as Buffer)).toBeGreaterThan(
      (await brightness(shots.dark as Buffer)) + 100,
    );
    if (process.env.UPDATE_SCREENSHOTS) {
      for (const [theme, png] of Object.entries(shots))
        await writeFile(`${packageRoot}docs/plugin-${theme}.png`, png);
    }
  });

  it('calls only hosts its manifest allows, and no other host outside the harness', () => {
    expect(routedUrls.length).toBeGreaterThan(20);
    expect(routedUrls.filter((url) => !allowedByManifest(url, allowedDomains))).toEqual([]);
  });
});
