import type { ResultImage, WriteResultRequest } from '../shared/plugin-messages.js';
import { type FillableNode, findImageLayer, findVisibleImagePaintIndex } from './image-layers.js';

/** Space between a layer and the variations laid out beside it, in px. */
const variationGap = 24;

/** The command of the relaunch button that processed layers carry (see the manifest). */
export const relaunchCommand = 'remove-background';

function hexToRgb(hex: string): RGB {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new Error(`backgroundColor: must be #rrggbb; got "${hex}"`);
  const channel = (text: string | undefined) => Number.parseInt(text ?? '0', 16) / 255;
  return { r: channel(match[1]), g: channel(match[2]), b: channel(match[3]) };
}

/**
 * A copy of `fills` with the visible image paint showing `imageHash`: its scale mode, transform,
 * filters, opacity and the other paints are kept. With a colour, a solid paint goes right under the
 * cut-out, so the colour stays editable in Figma.
 */
export function replaceImagePaint(
  fills: readonly Paint[],
  imageHash: string,
  backgroundColor?: string | undefined,
): Paint[] {
  const index = findVisibleImagePaintIndex(fills);
  const paint = fills[index];
  if (paint?.type !== 'IMAGE') throw new Error('the layer has no visible image fill');
  const replaced: ImagePaint = { ...paint, imageHash };
  const inserted: Paint[] = backgroundColor
    ? [{ type: 'SOLID', color: hexToRgb(backgroundColor), opacity: 1, visible: true }, replaced]
    : [replaced];
  return [...fills.slice(0, index), ...inserted, ...fills.slice(index + 1)];
}

/** The result layers' names: "Mug (background removed)", then "Mug (background replaced 2)". */
export function resultName(originalName: string, label: string, variation: number): string {
  return `${originalName} (${label}${variation === 0 ? '' : ` ${variation + 1}`})`;
}

/**
 * A copy of the layer right above `below` (the original, or the previous variation) in the same
 * parent: same position, size, rotation and constraints (clone keeps them), moved to the right
 * for each variation after the first.
 */
export function placeCopy(original: FillableNode, variation: number, below: SceneNode): FillableNode {
  const copy = original.clone() as FillableNode;
  const parent = original.parent;
  if (parent && 'insertChild' in parent) {
    parent.insertChild(parent.children.indexOf(below) + 1, copy);
  }
  copy.x = original.x + variation * (original.width + variationGap);
  copy.y = original.y;
  return copy;
}

/**
 * Writes one layer's results in one go: every image is created first (Figma refuses some), then
 * the layers; if anything fails, what was added is removed and the original is left untouched.
 */
export async function writeResult(api: PluginAPI, request: WriteResultRequest): Promise<string[]> {
  const original = await findImageLayer(api, request.layerId);
  const hashes = request.images.map((image: ResultImage) => api.createImage(image.bytes).hash);
  const originalFills = original.fills as readonly Paint[];
  const created: FillableNode[] = [];
  try {
    const targets: FillableNode[] = [];
    for (let variation = 0; variation < hashes.length; variation++) {
      if (!request.keepOriginal && variation === 0) {
        targets.push(original);
        continue;
      }
      const copy = placeCopy(original, variation, targets.at(-1) ?? original);
      created.push(copy);
      targets.push(copy);
    }
    targets.forEach((target, variation) => {
      target.fills = replaceImagePaint(originalFills, hashes[variation] ?? '', request.backgroundColor);
      if (target !== original) target.name = resultName(original.name, request.label, variation);
      target.setRelaunchData({ [relaunchCommand]: '' });
    });
    return targets.map((target) => target.id);
  } catch (error) {
    for (const node of created) if (!node.removed) node.remove();
    if (!original.removed) original.fills = originalFills;
    throw error;
  }
}
