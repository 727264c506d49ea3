import {
  type AdapterMedia,
  type AdapterOutput,
  type BackdropAdapter,
  BackdropError,
  type CallContext,
  type ImageOutputFormat,
  type JobOperation,
  type OperationName,
  type ProviderCapabilities,
  type RemoveBackgroundCall,
  type RemoveVideoBackgroundCall,
  type ReplaceBackgroundCall,
  toBackdropError,
} from '@backdrop/core/provider';
import sharp, { type Sharp } from 'sharp';
import { composite, cutout, type LocalBackground } from './local-compose.js';
import { type ModelOptions, modelSourceOf } from './local-model.js';
import { type RawImage, segment } from './local-segmentation.js';
import { localVideoContainers, processVideo } from './local-video.js';

export interface LocalOptions extends ModelOptions {
  /** ffmpeg for video (default: `ffmpeg` on the PATH), and ffprobe beside it. */
  ffmpegPath?: string | undefined;
  ffprobePath?: string | undefined;
}

const imageFormats = ['png', 'jpeg', 'webp', 'gif', 'avif'] as const;
const elsewhere = 'use fal or inference.sh for that (set FAL_KEY or INFERENCE_API_KEY)';

/**
 * A caller's media as bytes. URLs go through core's safe download (`context.download`): http(s)
 * only, a size cap, no loopback, private or link-local address unless the caller allowed it.
 */
async function bytesOf(media: AdapterMedia, field: string, context: CallContext): Promise<Uint8Array> {
  if (media.kind === 'bytes') return new Uint8Array(await media.data.arrayBuffer());
  return (await context.download(media.url, field)).bytes;
}

/** An input decoded once, turned upright (EXIF orientation), as RGB pixels. */
async function decode(bytes: Uint8Array): Promise<RawImage> {
  const { data, info } = await sharp(bytes)
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { pixels: data, width: info.width, height: info.height };
}

/** How each output format is written: PNG at level 3 (half the time of 6 for files 5-10% larger). */
const encoders: Record<ImageOutputFormat, (image: Sharp) => Sharp> = {
  png: (image) => image.png({ compressionLevel: 3 }),
  webp: (image) => image.webp({ quality: 90, alphaQuality: 100 }),
  jpeg: (image) => image.jpeg({ quality: 90, mozjpeg: true }),
};

/** An image operation's one output: the drawn image, the size of the upright input, in the format asked. */
async function imageOutput(
  drawn: Sharp,
  image: RawImage,
  format: ImageOutputFormat = 'png',
): Promise<AdapterOutput> {
  const bytes = await encoders[format](drawn).toBuffer();
  const contentType = `image/${format}`;
  return {
    files: [
      {
        data: new Blob([new Uint8Array(bytes)], { type: contentType }),
        contentType,
        sizeBytes: bytes.byteLength,
        width: image.width,
        height: image.height,
      },
    ],
  };
}

/** The local engine answers in the call that starts the job: there is nothing to poll. */
function synchronous<Call extends { model: string }>(
  operation: OperationName,
  work: (call: Call, context: CallContext) => Promise<AdapterOutput>,
): JobOperation<Call> {
  let counter = 0;
  return {
    async start(call, context) {
      let output: AdapterOutput;
      try {
        // The work happens here, in `start`: it stops as soon as the caller does.
        output = await work(call, { ...context, signal: context.workSignal ?? context.signal });
      } catch (error) {
        // Work on this machine: downloads of inputs were retried already, and running it again
        // would fail the same way.
        const mapped = toBackdropError(error, 'local');
        throw mapped.retryable ? mapped.with({ retryable: false }) : mapped;
      }
      counter++;
      return {
        handle: { provider: 'local', operation, model: call.model, id: `local-${process.pid}-${counter}` },
        update: { state: 'completed', output },
      };
    },
    async status(handle) {
      throw new BackdropError({
        code: 'provider_rejected',
        provider: 'local',
        message: `${handle.id}: local jobs finish in the call that starts them and cannot be resumed`,
      });
    },
  };
}

/** Creates the offline provider: ISNet segmentation on onnxruntime-node, compositing with sharp, video through ffmpeg. */
export function createLocal(options: LocalOptions = {}): BackdropAdapter {
  const source = modelSourceOf(options);
  const model = source.kind === 'file' ? `onnx:${source.path}` : `isnet-${source.variant}`;
  const ffmpegPath = options.ffmpegPath ?? 'ffmpeg';
  const ffprobePath =
    options.ffprobePath ??
    (ffmpegPath === 'ffmpeg' ? 'ffprobe' : ffmpegPath.replace(/ffmpeg(\.exe)?$/, 'ffprobe$1'));
  // Runs on this machine: no charge per call.
  const free = { usd: 0, per: 'request' } as const;
  const capabilities: ProviderCapabilities = {
    removeBackground: [
      { model, price: free, image: { formats: imageFormats }, outputFormats: ['png', 'webp'] },
    ],
    replaceBackground: [
      {
        model,
        price: free,
        image: { formats: imageFormats },
        outputFormats: ['png', 'webp', 'jpeg'],
        referenceImage: { formats: imageFormats },
        backgroundColor: true,
        resultCount: { min: 1, max: 1 },
        notes: {
          prompt: `prompts need a generative model: ${elsewhere}`,
          count: `several results need a generative model: ${elsewhere}`,
        },
      },
    ],
    removeVideoBackground: [
      {
        model,
        price: free,
        video: { formats: ['mp4', 'mov', 'webm', 'mkv'] },
        background: {
          types: ['transparent', 'color', 'blur', 'image'],
          colors: 'any',
          blurStrength: { min: 0, max: 100 },
          image: { formats: imageFormats },
        },
        containers: localVideoContainers,
        alphaContainers: ['webm_vp9', 'mov_proresks'],
        audio: true,
      },
    ],
  };

  return {
    specificationVersion: 'v1',
    provider: 'local',
    displayName: 'local engine',
    capabilities,
    removeBackground: synchronous<RemoveBackgroundCall>('removeBackground', async (call, context) => {
      const image = await decode(await bytesOf(call.image, 'image', context));
      const mask = await segment(image, source);
      return imageOutput(cutout(image, mask), image, call.outputFormat);
    }),
    replaceBackground: synchronous<ReplaceBackgroundCall>('replaceBackground', async (call, context) => {
      const image = await decode(await bytesOf(call.image, 'image', context));
      const background: LocalBackground = call.referenceImage
        ? { type: 'image', image: await bytesOf(call.referenceImage, 'referenceImage', context) }
        : { type: 'color', color: call.backgroundColor ?? 'white' };
      const mask = await segment(image, source);
      return imageOutput(await composite(image, mask, background), image, call.outputFormat);
    }),
    removeVideoBackground: synchronous<RemoveVideoBackgroundCall>(
      'removeVideoBackground',
      async (call, context) => {
        const background =
          call.background.type === 'image'
            ? {
                type: 'image' as const,
                image: await bytesOf(call.background.image, 'background.image', context),
              }
            : call.background;
        const container = call.container ?? (background.type === 'transparent' ? 'webm_vp9' : 'mp4_h264');
        const video = await processVideo(
          await bytesOf(call.video, 'video', context),
          {
            background,
            container,
            keepAudio: call.keepAudio ?? true,
            source,
            ffmpegPath,
            ffprobePath,
            signal: context.signal,
          },
          (done, total) => context.onWorkProgress?.({ frames: { done, total } }),
        );
        return {
          files: [
            {
              data: new Blob([video.bytes as Uint8Array<ArrayBuffer>], { type: video.contentType }),
              contentType: video.contentType,
              sizeBytes: video.bytes.byteLength,
              durationSeconds: video.durationSeconds,
            },
          ],
        };
      },
    ),
  };
}
