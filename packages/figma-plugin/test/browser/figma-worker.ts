// Figma's plugin sandbox, played by a Web Worker: the fake `figma` global, then the built
// manifest `main` loaded as Figma loads it (a classic script). The host page forwards
// `{ pluginMessage }` between this worker and the UI iframe, and drives the fake over a tiny RPC.
import { FakeFigma, FakeImage, type FakeNode, installFakeFigma } from '../support/fake-figma.js';

declare const self: {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: WorkerRequest }) => void) | null;
};
declare function importScripts(...urls: string[]): void;

type WorkerRequest = { fromUi: unknown } | { rpc: number; method: keyof typeof methods; args: unknown[] };

let figma: FakeFigma | undefined;

function current(): FakeFigma {
  if (!figma) throw new Error('the plugin was not started');
  return figma;
}

function bytesOf(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
}

async function describeNode(node: FakeNode): Promise<unknown> {
  const fills = await Promise.all(
    (node.fills as Array<Record<string, unknown>>).map(async (paint) => {
      const image = typeof paint.imageHash === 'string' ? current().getImageByHash(paint.imageHash) : null;
      return { ...paint, imageSize: image ? await image.getSizeAsync() : undefined };
    }),
  );
  return {
    id: node.id,
    name: node.name,
    type: node.type,
    parentId: node.parent?.id,
    index: node.parent ? node.parent.children.indexOf(node) : -1,
    x: node.x,
    y: node.y,
    width: node.width,
    height: node.height,
    relaunchData: node.relaunchData,
    fills,
  };
}

const methods = {
  start(command: string, storage: Array<[string, unknown]>) {
    figma = new FakeFigma({
      command,
      storage: new Map(storage),
      toUi: (message) => self.postMessage({ toUi: message }),
    });
    installFakeFigma(figma);
    importScripts('/main.js');
    return true;
  },
  addImageLayer(name: string, base64: string, width: number, height: number) {
    const layer = current().createImageLayer(name, bytesOf(base64));
    layer.resize(width, height);
    return layer.id;
  },
  /** An image fill larger than createImage takes, as files made elsewhere can hold. */
  addOversizedImageLayer(name: string, base64: string) {
    const fake = current();
    const layer = fake.createRectangle();
    layer.name = name;
    const hash = `oversized${fake.images.size}`;
    fake.images.set(hash, new FakeImage(hash, bytesOf(base64)));
    layer.fills = [{ type: 'IMAGE', imageHash: hash, scaleMode: 'FILL', visible: true, opacity: 1 }];
    return layer.id;
  },
  select(ids: string[]) {
    const fake = current();
    fake.setSelection(fake.currentPage.children.filter((node) => ids.includes(node.id)));
    return true;
  },
  async page() {
    return Promise.all(current().currentPage.children.map(describeNode));
  },
  /** The bytes of a layer's image paint, as base64. */
  async imageBytes(layerId: string, paintIndex: number) {
    const node = await current().getNodeByIdAsync(layerId);
    const paint = node?.fills[paintIndex] as { imageHash?: string } | undefined;
    const image = paint?.imageHash ? current().getImageByHash(paint.imageHash) : null;
    if (!image) throw new Error(`no image at fill ${paintIndex} of ${layerId}`);
    const bytes = await image.getBytesAsync();
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary);
  },
  storage() {
    return [...current().storage.entries()];
  },
  notifications() {
    return current().notifications;
  },
};

self.onmessage = async (event) => {
  const request = event.data;
  if ('fromUi' in request) {
    current().receiveFromUi(request.fromUi);
    return;
  }
  try {
    const method = methods[request.method] as (...args: unknown[]) => unknown;
    self.postMessage({ rpc: request.rpc, result: await method(...request.args) });
  } catch (error) {
    self.postMessage({ rpc: request.rpc, error: (error as Error).message });
  }
};
