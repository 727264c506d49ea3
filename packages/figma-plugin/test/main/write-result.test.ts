import { makeSampleImage } from '@backdrop/testkit';
import { beforeEach, describe, expect, it } from 'vitest';
import { findVisibleImagePaintIndex, summarizeSelection } from '../../src/main/image-layers.js';
import { relaunchCommand, replaceImagePaint, writeResult } from '../../src/main/write-result.js';
import { fitWithinFigmaLimit } from '../../src/shared/figma-image-limit.js';
import { asPluginApi, FakeFigma, type FakeNode } from '../support/fake-figma.js';

let figma: FakeFigma;
let photo: Uint8Array;
let result: Uint8Array;

beforeEach(async () => {
  figma = new FakeFigma();
  photo = await makeSampleImage('jpeg', 64, 48);
  result = await makeSampleImage('png', 64, 48);
});

const transform: Transform = [
  [0.5, 0, 0.25],
  [0, 0.5, 0.25],
];

function decoratedLayer(): FakeNode {
  const frame = figma.createFrame();
  figma.createRectangle().name = 'Behind';
  const layer = figma.createImageLayer('Mug', photo, { parent: frame });
  const imageHash = (layer.fills[0] as ImagePaint).imageHash;
  layer.fills = [
    { type: 'SOLID', color: { r: 1, g: 0, b: 0 }, opacity: 1, visible: true },
    {
      type: 'IMAGE',
      imageHash,
      scaleMode: 'CROP',
      imageTransform: transform,
      filters: { exposure: 0.2, saturation: -0.5 },
      opacity: 0.8,
      visible: true,
    },
    { type: 'SOLID', color: { r: 0, g: 0, b: 1 }, opacity: 0.3, visible: true },
  ];
  Object.assign(layer, { x: 40, y: 30, width: 200, height: 150, rotation: 15 });
  layer.constraints = { horizontal: 'CENTER', vertical: 'SCALE' };
  return layer;
}

const request = (layerId: string, images: Uint8Array[], overrides = {}) => ({
  type: 'write-result' as const,
  requestId: 1,
  layerId,
  images: images.map((bytes) => ({ bytes, width: 64, height: 48 })),
  label: 'background removed' as const,
  keepOriginal: true,
  ...overrides,
});

describe('selection', () => {
  it('keeps layers that show an image and says why it skips the others', () => {
    const image = figma.createImageLayer('Photo', photo);
    const frame = figma.createFrame();
    frame.name = 'Card';
    const hidden = figma.createImageLayer('Hidden', photo);
    hidden.fills = [{ ...(hidden.fills[0] as ImagePaint), visible: false }];
    const group = { id: '9:9', name: 'Group', type: 'GROUP' } as unknown as SceneNode;
    const summary = summarizeSelection([image, frame, hidden, group] as unknown as SceneNode[]);
    expect(summary.layers).toEqual([
      { id: image.id, name: 'Photo', width: 100, height: 100, imageHash: figma.createImage(photo).hash },
    ]);
    expect(summary.skipped).toEqual([
      { id: frame.id, name: 'Card', reason: 'it has no visible image fill' },
      { id: hidden.id, name: 'Hidden', reason: 'it has no visible image fill' },
      { id: '9:9', name: 'Group', reason: 'group layers have no fills' },
    ]);
  });

  it('reads the topmost visible image paint, as Figma draws the last paint on top', () => {
    const image = (hash: string, visible = true) => ({
      type: 'IMAGE',
      imageHash: hash,
      scaleMode: 'FILL',
      visible,
    });
    const fills = [image('below'), image('top'), image('hidden', false)] as Paint[];
    expect(findVisibleImagePaintIndex(fills)).toBe(1);
  });
});

describe('replacing the image paint', () => {
  it('swaps only the hash: scale mode, transform, filters, opacity and the other paints stay', () => {
    const layer = decoratedLayer();
    const fills = replaceImagePaint(layer.fills as Paint[], 'new-hash');
    expect(fills).toEqual([
      layer.fills[0],
      { ...(layer.fills[1] as ImagePaint), imageHash: 'new-hash' },
      layer.fills[2],
    ]);
  });

  it('puts a solid paint of the colour right under the cut-out, so it stays editable', () => {
    const layer = decoratedLayer();
    const fills = replaceImagePaint(layer.fills as Paint[], 'new-hash', '#ff8000');
    expect(fills).toHaveLength(4);
    expect(fills[1]).toEqual({
      type: 'SOLID',
      color: { r: 1, g: 128 / 255, b: 0 },
      opacity: 1,
      visible: true,
    });
    expect(fills[2]).toMatchObject({ type: 'IMAGE', imageHash: 'new-hash', scaleMode: 'CROP' });
  });
});

describe('writing results', () => {
  it('keeps the original: a named copy right above it, same parent, position, size, rotation, constraints', async () => {
    const layer = decoratedLayer();
    const frame = layer.parent as FakeNode;
    const before = structuredClone(layer.fills);
    const [copyId] = await writeResult(asPluginApi(figma), request(layer.id, [result]));
    const copy = (await figma.getNodeByIdAsync(copyId ?? '')) as FakeNode;
    expect(copy.parent).toBe(frame);
    expect(frame.children.indexOf(copy)).toBe(frame.children.indexOf(layer) + 1);
    expect(copy).toMatchObject({
      name: 'Mug (background removed)',
      x: 40,
      y: 30,
      width: 200,
      height: 150,
      rotation: 15,
    });
    expect(copy.constraints).toEqual({ horizontal: 'CENTER', vertical: 'SCALE' });
    expect((copy.fills[1] as ImagePaint).imageHash).toBe(figma.createImage(result).hash);
    expect(copy.relaunchData).toEqual({ [relaunchCommand]: '' });
    expect(layer.fills).toEqual(before);
  });

  it('lays variations out beside the first, in order', async () => {
    const layer = decoratedLayer();
    const other = await makeSampleImage('png', 32, 32);
    const ids = await writeResult(
      asPluginApi(figma),
      request(layer.id, [result, other], { label: 'background replaced' }),
    );
    const copies = (await Promise.all(ids.map((id) => figma.getNodeByIdAsync(id)))) as FakeNode[];
    expect(copies.map((copy) => copy.name)).toEqual([
      'Mug (background replaced)',
      'Mug (background replaced 2)',
    ]);
    expect(copies.map((copy) => copy.x)).toEqual([40, 40 + 200 + 24]);
    expect(copies.map((copy) => copy.y)).toEqual([30, 30]);
    const siblings = (layer.parent as FakeNode).children;
    expect(copies.map((copy) => siblings.indexOf(copy))).toEqual(
      [1, 2].map((offset) => siblings.indexOf(layer) + offset),
    );
  });

  it('without keeping the original, swaps the image in place and keeps every other paint property', async () => {
    const layer = decoratedLayer();
    const ids = await writeResult(asPluginApi(figma), request(layer.id, [result], { keepOriginal: false }));
    expect(ids).toEqual([layer.id]);
    expect(layer.name).toBe('Mug');
    expect(layer.fills[1]).toMatchObject({
      imageHash: figma.createImage(result).hash,
      scaleMode: 'CROP',
      imageTransform: transform,
      filters: { exposure: 0.2, saturation: -0.5 },
      opacity: 0.8,
    });
    expect(layer.relaunchData).toEqual({ [relaunchCommand]: '' });
  });

  it('writes nothing when Figma refuses one of the images, and leaves the original as it was', async () => {
    const layer = decoratedLayer();
    const before = structuredClone(layer.fills);
    const childrenBefore = [...(layer.parent as FakeNode).children];
    const oversized = await makeSampleImage('png', 4100, 16);
    await expect(writeResult(asPluginApi(figma), request(layer.id, [result, oversized]))).rejects.toThrow(
      'Image is too large',
    );
    expect(layer.fills).toEqual(before);
    expect((layer.parent as FakeNode).children).toEqual(childrenBefore);
    expect(figma.currentPage.children.filter((node) => node.name.includes('background'))).toEqual([]);
  });

  it('refuses a layer deleted while it was processed', async () => {
    const layer = decoratedLayer();
    layer.remove();
    await expect(writeResult(asPluginApi(figma), request(layer.id, [result]))).rejects.toThrow('deleted');
  });
});

describe("Figma's 4096 px limit", () => {
  it.each([
    [4096, 4096, { width: 4096, height: 4096, scaled: false }],
    [1200, 800, { width: 1200, height: 800, scaled: false }],
    [6000, 4000, { width: 4096, height: 2731, scaled: true }],
    [3000, 8192, { width: 1500, height: 4096, scaled: true }],
    [20000, 2, { width: 4096, height: 1, scaled: true }],
  ])('%i × %i fits as %o', (width, height, expected) => {
    expect(fitWithinFigmaLimit(width, height)).toEqual(expected);
  });
});
