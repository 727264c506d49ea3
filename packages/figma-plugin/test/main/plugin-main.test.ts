import { makeSampleImage } from '@backdrop/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadSettings, sanitizeSettings } from '../../src/main/settings-store.js';
import {
  defaultSettings,
  type MainToUiMessage,
  type UiToMainMessage,
} from '../../src/shared/plugin-messages.js';
import { asPluginApi, FakeFigma, installFakeFigma } from '../support/fake-figma.js';

/** Starts the plugin's main thread on a fake Figma, as Figma would launch it. */
async function launch(options: { command?: string; storage?: Map<string, unknown> } = {}) {
  const received: MainToUiMessage[] = [];
  const figma = new FakeFigma({ ...options, toUi: (message) => received.push(message as MainToUiMessage) });
  installFakeFigma(figma);
  vi.resetModules();
  await import('../../src/main/plugin-main.js');
  const send = async (message: UiToMainMessage) => {
    figma.receiveFromUi(message);
    await vi.waitFor(() => expect(received.length).toBeGreaterThan(0));
  };
  const next = async <T extends MainToUiMessage['type']>(type: T) => {
    await vi.waitFor(() => expect(received.some((message) => message.type === type)).toBe(true));
    const index = received.findIndex((message) => message.type === type);
    return received.splice(index, 1)[0] as Extract<MainToUiMessage, { type: T }>;
  };
  return { figma, send, next, received };
}

afterEach(() => {
  Reflect.deleteProperty(globalThis, 'figma');
});

describe('the main thread', () => {
  it('opens the UI in Figma theme colours and answers ready with settings, keys, selection and command', async () => {
    const { figma, send, next } = await launch({ command: 'remove-background' });
    const layer = figma.createImageLayer('Mug', await makeSampleImage('png', 20, 20));
    figma.setSelection([layer]);
    expect(figma.shownUi?.options).toMatchObject({ themeColors: true });
    await send({ type: 'ready' });
    const init = await next('init');
    expect(init).toMatchObject({
      command: 'remove-background',
      settings: defaultSettings,
      keys: { fal: '', inferencesh: '' },
      selection: { layers: [{ id: layer.id, name: 'Mug' }], skipped: [] },
    });
  });

  it('tells the UI when the selection changes', async () => {
    const { figma, next } = await launch();
    const frame = figma.createFrame();
    figma.setSelection([frame]);
    const message = await next('selection');
    expect(message.selection).toEqual({
      layers: [],
      skipped: [{ id: frame.id, name: 'Frame', reason: 'it has no visible image fill' }],
    });
  });

  it('hands over the image bytes, and answers a failure for a layer that is gone', async () => {
    const { figma, send, next } = await launch();
    const bytes = await makeSampleImage('jpeg', 30, 20);
    const layer = figma.createImageLayer('Photo', bytes);
    await send({ type: 'read-image', requestId: 7, layerId: layer.id });
    expect(await next('image-bytes')).toEqual({
      type: 'image-bytes',
      requestId: 7,
      bytes: new Uint8Array(bytes),
    });
    layer.remove();
    await send({ type: 'read-image', requestId: 8, layerId: layer.id });
    expect(await next('request-failed')).toMatchObject({
      requestId: 8,
      message: expect.stringContaining('deleted'),
    });
  });

  it('writes results and answers with the new layers', async () => {
    const { figma, send, next } = await launch();
    const layer = figma.createImageLayer('Photo', await makeSampleImage('jpeg', 30, 20));
    const cutout = await makeSampleImage('png', 30, 20);
    await send({
      type: 'write-result',
      requestId: 3,
      layerId: layer.id,
      images: [{ bytes: cutout, width: 30, height: 20 }],
      label: 'background removed',
      keepOriginal: true,
    });
    const written = await next('written');
    expect(written.requestId).toBe(3);
    const copy = await figma.getNodeByIdAsync(written.layerIds[0] ?? '');
    expect(copy?.name).toBe('Photo (background removed)');
  });

  it('remembers keys and options across restarts, in clientStorage only', async () => {
    const storage = new Map<string, unknown>();
    const first = await launch({ storage });
    const settings = {
      ...defaultSettings,
      provider: 'fal' as const,
      mode: 'prompt' as const,
      prompt: 'a studio',
      variations: 3,
    };
    first.figma.receiveFromUi({ type: 'save-settings', settings });
    first.figma.receiveFromUi({ type: 'save-keys', keys: { fal: ' fal-secret-1234 ', inferencesh: '' } });
    first.figma.receiveFromUi({ type: 'notify', message: 'Backdrop: 1 done' });
    await vi.waitFor(() => expect(storage.size).toBe(2));

    const second = await launch({ storage });
    await second.send({ type: 'ready' });
    const init = await second.next('init');
    expect(init.settings).toEqual(settings);
    expect(init.keys).toEqual({ fal: 'fal-secret-1234', inferencesh: '' });
    expect(JSON.stringify(first.figma.notifications)).not.toContain('fal-secret');

    second.figma.receiveFromUi({ type: 'save-keys', keys: { fal: '', inferencesh: '' } });
    await vi.waitFor(() => expect(storage.size).toBe(1));
  });

  it('repairs damaged settings field by field', async () => {
    expect(
      sanitizeSettings({
        provider: 'replicate',
        mode: 'prompt',
        variations: 9,
        color: 'red',
        keepOriginal: 'yes',
      }),
    ).toEqual({ ...defaultSettings, mode: 'prompt' });
    const figma = new FakeFigma({ storage: new Map([['backdrop.settings', 'not an object']]) });
    expect(await loadSettings(asPluginApi(figma).clientStorage)).toEqual(defaultSettings);
  });
});
