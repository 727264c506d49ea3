import type { ImageLayer, SelectionSummary, SkippedLayer } from '../shared/plugin-messages.js';

/** A layer whose fills can be read and written (rectangles, frames, ellipses, instances...). */
export type FillableNode = SceneNode & MinimalFillsMixin;

function hasFillsArray(node: SceneNode): node is FillableNode {
  return 'fills' in node && Array.isArray(node.fills);
}

/**
 * The index of the image paint a designer sees: the topmost visible IMAGE paint. Figma draws the
 * last paint of `fills` on top.
 */
export function findVisibleImagePaintIndex(fills: readonly Paint[]): number {
  for (let index = fills.length - 1; index >= 0; index--) {
    const paint = fills[index];
    if (paint?.type === 'IMAGE' && paint.visible !== false && paint.imageHash) return index;
  }
  return -1;
}

/** The layer's visible image paint, or undefined when it has none. */
export function visibleImagePaint(node: SceneNode): ImagePaint | undefined {
  if (!hasFillsArray(node)) return undefined;
  const fills = node.fills as readonly Paint[];
  const paint = fills[findVisibleImagePaintIndex(fills)];
  return paint?.type === 'IMAGE' ? paint : undefined;
}

function skipReason(node: SceneNode): string {
  if (!('fills' in node)) return `${node.type.toLowerCase()} layers have no fills`;
  if (!Array.isArray(node.fills)) return 'its fills are mixed';
  return 'it has no visible image fill';
}

/** Splits a selection into layers that can be processed and the others, each with its reason. */
export function summarizeSelection(selection: readonly SceneNode[]): SelectionSummary {
  const layers: ImageLayer[] = [];
  const skipped: SkippedLayer[] = [];
  for (const node of selection) {
    const paint = visibleImagePaint(node);
    if (paint?.imageHash) {
      layers.push({
        id: node.id,
        name: node.name,
        width: node.width,
        height: node.height,
        imageHash: paint.imageHash,
      });
    } else {
      skipped.push({ id: node.id, name: node.name, reason: skipReason(node) });
    }
  }
  return { layers, skipped };
}

/** The layer by id, if it still exists and still shows an image. */
export async function findImageLayer(api: PluginAPI, layerId: string): Promise<FillableNode> {
  const node = await api.getNodeByIdAsync(layerId);
  if (!node || node.type === 'DOCUMENT' || node.type === 'PAGE' || node.removed) {
    throw new Error('The layer was deleted while it was being processed');
  }
  const scene = node as SceneNode;
  if (!hasFillsArray(scene) || !visibleImagePaint(scene)) {
    throw new Error(`"${scene.name}" no longer has a visible image fill`);
  }
  return scene;
}

/** The original bytes of the layer's visible image (uncropped, as Figma stores it). */
export async function readLayerImage(api: PluginAPI, layerId: string): Promise<Uint8Array> {
  const node = await findImageLayer(api, layerId);
  const hash = visibleImagePaint(node)?.imageHash;
  const image = hash ? api.getImageByHash(hash) : null;
  if (!image) throw new Error(`The image of "${node.name}" is not available in this file`);
  return image.getBytesAsync();
}
