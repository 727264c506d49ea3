import {
  type AdapterMedia,
  type AdapterOutput,
  type BackdropAdapter,
  BackdropError,
  type CallContext,
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
import { segment } from './local-segmentation.js';
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

/** An input turned upright (EXIF orientation), with its upright size. */
async function upright(bytes: Uint8Array): Promise<{ image: Sharp; width: number; height: number }> {
  const metadata = await sharp(bytes).metadata();
  const turned = (metadata.orientation ?? 1) >= 5;
  return {
    image: sharp(bytes).rotate(),
    width: (turned ? metadata.height : metadata.width) ?? 0,
    height: (turned ? metadata.width : metadata.height) ?? 0,
  };
}

/** An image operation's one output: the drawn image as a PNG the size of the upright input. */
async function pngOutput(drawn: Sharp, width: number, height: number): Promise<AdapterOutput> {
  const png = await drawn.png().toBuffer();
  return {
    files: [
      {
        data: new Blob([new Uint8Array(png)], { type: 'image/png' }),
        contentType: 'image/png',
        sizeBytes: png.byteLength,
        width,
        height,
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
        output = await work(call, context);
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
    removeBackground: [{ model, price: free, image: { formats: imageFormats } }],
    replaceBackground: [
      {
        model,
        price: free,
        image: { formats: imageFormats },
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
      const { image, width, height } = await upright(await bytesOf(call.image, 'image', context));
      const mask = await segment(image, width, height, source);
      return pngOutput(await cutout(image, mask), width, height);
    }),
    replaceBackground: synchronous<ReplaceBackgroundCall>('replaceBackground', async (call, context) => {
      const { image, width, height } = await upright(await bytesOf(call.image, 'image', context));
      const background: LocalBackground = call.referenceImage
        ? { type: 'image', image: await bytesOf(call.referenceImage, 'referenceImage', context) }
        : { type: 'color', color: call.backgroundColor ?? 'white' };
      const mask = await segment(image, width, height, source);
      return pngOutput(await composite(image, mask, background), width, height);
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
        const video = await processVideo(await bytesOf(call.video, 'video', context), {
          background,
          container,
          keepAudio: call.keepAudio ?? true,
          source,
          ffmpegPath,
          ffprobePath,
          signal: context.signal,
        });
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
