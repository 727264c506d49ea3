import { type Backdrop, isBackdropError, type ProgressEvent } from '@backdrop/core';
import type { ImageLayer, PluginSettings, ResultImage } from '../shared/plugin-messages.js';
import { buildLayerRequest } from './build-request.js';
import { describeError } from './describe-error.js';
import { fitImageForFigma } from './fit-image.js';
import type { MainBridge } from './main-bridge.js';

/** Where one layer is, as the designer sees it. */
export type LayerState =
  | { phase: 'waiting' }
  | { phase: 'uploading'; percent: number }
  | { phase: 'queued'; position?: number | undefined }
  | { phase: 'running'; percent?: number | undefined }
  | { phase: 'downloading'; percent?: number | undefined }
  | { phase: 'writing' }
  | { phase: 'done'; provider: string; costUsd?: number | undefined; note?: string | undefined }
  | { phase: 'failed'; message: string }
  | { phase: 'cancelled' };

export interface RunLayersOptions {
  backdrop: Backdrop;
  bridge: MainBridge;
  settings: PluginSettings;
  layers: readonly ImageLayer[];
  /** For a replacement by reference: the reference image's bytes. */
  referenceImage?: Blob | undefined;
  signal: AbortSignal;
  /** Layers processed at once (each is one provider job at a time). */
  concurrency?: number | undefined;
  /** Scrubbed from every message shown. */
  secrets: readonly string[];
  onState(layerId: string, state: LayerState): void;
}

export interface RunSummary {
  done: number;
  failed: number;
  cancelled: number;
  costUsd: number | undefined;
}

function percentOf(loaded: number, total: number | undefined): number | undefined {
  return total ? Math.min(100, Math.round((loaded / total) * 100)) : undefined;
}

function stateOf(event: ProgressEvent): LayerState | undefined {
  switch (event.type) {
    case 'uploading':
      return { phase: 'uploading', percent: percentOf(event.loadedBytes, event.totalBytes) ?? 0 };
    case 'queued':
      return { phase: 'queued', position: event.position };
    case 'running':
      return { phase: 'running', percent: event.percent };
    case 'downloading':
      return { phase: 'downloading', percent: percentOf(event.loadedBytes, event.totalBytes) };
    case 'done':
      return undefined;
  }
}

function scaledNote(
  scaled: Array<{ width: number; height: number } | undefined>,
  image: ResultImage,
): string {
  const first = scaled.find((size) => size !== undefined);
  return first
    ? `Scaled down from ${first.width} × ${first.height} to ${image.width} × ${image.height} px (Figma's largest image is 4096 px a side)`
    : '';
}

/**
 * Runs every layer through core with a bounded concurrency, each with its own progress, and
 * writes each layer's results as soon as they are all fitted for Figma. A cancelled run writes
 * nothing more; what was already written stays (it was paid for).
 */
export async function runLayers(options: RunLayersOptions): Promise<RunSummary> {
  const summary: RunSummary = { done: 0, failed: 0, cancelled: 0, costUsd: 0 };
  const imageCache = new Map<string, Promise<Uint8Array>>();
  const readImage = (layer: ImageLayer) => {
    const cached = imageCache.get(layer.imageHash) ?? options.bridge.readImage(layer.id);
    imageCache.set(layer.imageHash, cached);
    return cached;
  };

  async function runOne(layer: ImageLayer): Promise<void> {
    const report = (state: LayerState) => options.onState(layer.id, state);
    if (options.signal.aborted) {
      summary.cancelled++;
      report({ phase: 'cancelled' });
      return;
    }
    try {
      const bytes = await readImage(layer);
      const image = new Blob([bytes as Uint8Array<ArrayBuffer>]);
      const built = buildLayerRequest(options.settings, image, options.referenceImage);
      const progress = {
        signal: options.signal,
        onProgress: (event: ProgressEvent) => {
          const state = stateOf(event);
          if (state) report(state);
        },
      };
      const result =
        built.operation === 'removeBackground'
          ? await options.backdrop.removeBackground({ ...built.request, ...progress })
          : await options.backdrop.replaceBackground({ ...built.request, ...progress });
      const fitted = [];
      for (const output of result.outputs) {
        fitted.push(await fitImageForFigma((await output.bytes()) as Uint8Array<ArrayBuffer>));
      }
      options.signal.throwIfAborted();
      report({ phase: 'writing' });
      const images = fitted.map((item) => item.image);
      await options.bridge.writeResult({
        layerId: layer.id,
        images,
        label: options.settings.mode === 'remove' ? 'background removed' : 'background replaced',
        keepOriginal: options.settings.keepOriginal,
        backgroundColor: options.settings.mode === 'color' ? options.settings.color : undefined,
      });
      summary.done++;
      if (summary.costUsd !== undefined) {
        summary.costUsd =
          result.estimatedCostUsd === undefined ? undefined : summary.costUsd + result.estimatedCostUsd;
      }
      const note = [
        ...result.warnings.map((warning) => warning.message),
        images[0]
          ? scaledNote(
              fitted.map((item) => item.scaledFrom),
              images[0],
            )
          : '',
      ]
        .filter(Boolean)
        .join(' ');
      report({
        phase: 'done',
        provider: result.provider,
        costUsd: result.estimatedCostUsd,
        note: note || undefined,
      });
    } catch (error) {
      if (options.signal.aborted || (isBackdropError(error) && error.code === 'aborted')) {
        summary.cancelled++;
        report({ phase: 'cancelled' });
        return;
      }
      summary.failed++;
      report({ phase: 'failed', message: describeError(error, options.secrets) });
    }
  }

  for (const layer of options.layers) options.onState(layer.id, { phase: 'waiting' });
  const queue = [...options.layers];
  const workers = Array.from({ length: Math.min(options.concurrency ?? 3, queue.length) }, async () => {
    for (let layer = queue.shift(); layer; layer = queue.shift()) await runOne(layer);
  });
  await Promise.all(workers);
  return summary;
}
