// A fake of the part of Figma's plugin API this plugin uses, faithful where the plugin depends on
// it: readonly fills replaced as a whole, `clone()` parenting the copy under the current page,
// `createImage` refusing anything but PNG/JPEG/GIF up to 4096 px a side, clientStorage that keeps
// only structured-cloneable values, and `{ pluginMessage }` forwarding to and from the UI.
// It runs in Node (vitest) and in a browser Web Worker (the end-to-end test). figma-api-stub was
// the other choice; it lacks getImageByHash, getSizeAsync, clientStorage and clone placement.
import { imageSize } from 'image-size';

type Listener = (...args: unknown[]) => void;

function hashOf(bytes: Uint8Array): string {
  // FNV-1a over the bytes, spread to 40 hex digits like Figma's SHA-1 image hashes.
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return Array.from({ length: 5 }, (_, index) =>
    (Math.imul(hash ^ (index * 0x9e3779b9), 0x85ebca6b) >>> 0).toString(16).padStart(8, '0'),
  ).join('');
}

function imageType(bytes: Uint8Array): 'png' | 'jpeg' | 'gif' | undefined {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46) return 'gif';
  return undefined;
}

export class FakeImage {
  constructor(
    readonly hash: string,
    private readonly bytes: Uint8Array,
  ) {}
  async getBytesAsync(): Promise<Uint8Array> {
    return this.bytes.slice();
  }
  async getSizeAsync(): Promise<{ width: number; height: number }> {
    const { width = 0, height = 0 } = imageSize(this.bytes);
    return { width, height };
  }
}

let nextNodeId = 1;

export class FakeNode {
  readonly id = `${nextNodeId}:${nextNodeId++}`;
  name: string;
  x = 0;
  y = 0;
  width = 100;
  height = 100;
  rotation = 0;
  constraints = { horizontal: 'MIN', vertical: 'MIN' };
  parent: FakeNode | undefined;
  readonly children: FakeNode[] = [];
  removed = false;
  relaunchData: Record<string, string> = {};
  private paints: readonly unknown[] = [];

  constructor(
    private readonly figma: FakeFigma,
    readonly type: string,
    name: string,
  ) {
    this.name = name;
  }

  get fills(): readonly unknown[] {
    return this.paints;
  }
  set fills(paints: readonly unknown[]) {
    // Figma copies and freezes what it is given: the caller's array can no longer change the node.
    this.paints = Object.freeze(paints.map((paint) => Object.freeze(structuredClone(paint))));
  }

  resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
  }

  appendChild(child: FakeNode): void {
    this.insertChild(this.children.length, child);
  }

  insertChild(index: number, child: FakeNode): void {
    if (child.parent) {
      const siblings = child.parent.children;
      siblings.splice(siblings.indexOf(child), 1);
    }
    child.parent = this;
    this.children.splice(Math.min(index, this.children.length), 0, child);
  }

  /** Figma: "By default, the duplicate will be parented under figma.currentPage". */
  clone(): FakeNode {
    const copy = new FakeNode(this.figma, this.type, this.name);
    Object.assign(copy, {
      x: this.x,
      y: this.y,
      width: this.width,
      height: this.height,
      rotation: this.rotation,
      constraints: { ...this.constraints },
      relaunchData: { ...this.relaunchData },
    });
    copy.fills = this.fills;
    for (const child of this.children) copy.appendChild(child.clone());
    this.figma.register(copy);
    this.figma.currentPage.appendChild(copy);
    return copy;
  }

  remove(): void {
    if (this.parent) this.parent.children.splice(this.parent.children.indexOf(this), 1);
    this.parent = undefined;
    this.removed = true;
  }

  setRelaunchData(data: Record<string, string>): void {
    this.relaunchData = { ...data };
  }
}

export interface FakeFigmaOptions {
  /** The command the plugin was launched with (`figma.command`). */
  command?: string;
  /** clientStorage's contents, shared between "restarts" of the plugin. */
  storage?: Map<string, unknown>;
  /** Receives what the main thread posts to the UI. */
  toUi?: (message: unknown) => void;
}

export class FakeFigma {
  readonly command: string;
  readonly notifications: Array<{ message: string; error: boolean }> = [];
  readonly storage: Map<string, unknown>;
  readonly images = new Map<string, FakeImage>();
  readonly currentPage: FakeNode;
  private readonly nodes = new Map<string, FakeNode>();
  private readonly listeners = new Map<string, Listener[]>();
  private selected: FakeNode[] = [];
  shownUi: { html: string; options: unknown } | undefined;

  readonly ui: {
    onmessage: ((message: unknown) => void) | undefined;
    postMessage: (message: unknown) => void;
  };

  readonly clientStorage = {
    getAsync: async (key: string) => structuredClone(this.storage.get(key)),
    setAsync: async (key: string, value: unknown) => {
      this.storage.set(key, structuredClone(value));
    },
    deleteAsync: async (key: string) => {
      this.storage.delete(key);
    },
    keysAsync: async () => [...this.storage.keys()],
  };

  constructor(options: FakeFigmaOptions = {}) {
    this.command = options.command ?? '';
    this.storage = options.storage ?? new Map();
    this.currentPage = new FakeNode(this, 'PAGE', 'Page 1');
    this.ui = { onmessage: undefined, postMessage: (message) => options.toUi?.(message) };
  }

  register(node: FakeNode): FakeNode {
    this.nodes.set(node.id, node);
    return node;
  }

  /** A layer on the current page (or in `parent`) showing the image. */
  createImageLayer(
    name: string,
    bytes: Uint8Array,
    options: { type?: string; parent?: FakeNode } = {},
  ): FakeNode {
    const node = this.register(new FakeNode(this, options.type ?? 'RECTANGLE', name));
    const image = this.createImage(bytes);
    node.fills = [{ type: 'IMAGE', imageHash: image.hash, scaleMode: 'FILL', visible: true, opacity: 1 }];
    (options.parent ?? this.currentPage).appendChild(node);
    return node;
  }

  createFrame(): FakeNode {
    const frame = this.register(new FakeNode(this, 'FRAME', 'Frame'));
    this.currentPage.appendChild(frame);
    return frame;
  }

  createRectangle(): FakeNode {
    const node = this.register(new FakeNode(this, 'RECTANGLE', 'Rectangle'));
    this.currentPage.appendChild(node);
    return node;
  }

  createImage(bytes: Uint8Array): FakeImage {
    const type = imageType(bytes);
    if (!type) throw new Error('Image type is unsupported');
    const { width = 0, height = 0 } = imageSize(bytes);
    if (width > 4096 || height > 4096) throw new Error('Image is too large');
    const hash = hashOf(bytes);
    const image = this.images.get(hash) ?? new FakeImage(hash, bytes.slice());
    this.images.set(hash, image);
    return image;
  }

  getImageByHash(hash: string): FakeImage | null {
    return this.images.get(hash) ?? null;
  }

  async getNodeByIdAsync(id: string): Promise<FakeNode | null> {
    const node = this.nodes.get(id);
    return node && !node.removed ? node : null;
  }

  setSelection(nodes: FakeNode[]): void {
    this.selected = nodes;
    for (const listener of this.listeners.get('selectionchange') ?? []) listener();
  }

  on(event: string, listener: Listener): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }

  notify(message: string, options: { error?: boolean } = {}) {
    this.notifications.push({ message, error: options.error === true });
    return { cancel() {} };
  }

  showUI(html: string, options: unknown): void {
    this.shownUi = { html, options };
  }

  closePlugin(): void {}

  /** What the UI posts, as Figma hands it to the main thread. */
  receiveFromUi(message: unknown): void {
    this.ui.onmessage?.(message);
  }

  /** The selection, as `figma.currentPage.selection` reads. */
  get selection(): readonly FakeNode[] {
    return this.selected.filter((node) => !node.removed);
  }
}

/** Installs the fake where the plugin's main thread looks: `figma` and `__html__` globals. */
export function installFakeFigma(figma: FakeFigma): void {
  Object.defineProperty(figma.currentPage, 'selection', {
    get: () => figma.selection,
    set: (nodes: FakeNode[]) => figma.setSelection(nodes),
    configurable: true,
  });
  Object.assign(globalThis, { figma, __html__: '<div id="root"></div>' });
}

/** The fake, typed as the real API for the functions under test. */
export function asPluginApi(figma: FakeFigma): PluginAPI {
  return figma as unknown as PluginAPI;
}
