import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { arch, cpus, homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { BackdropError, readEnvironmentVariable } from '@backdrop/core/provider';
import { createInferenceWorker, type InferenceWorker } from './local-inference-worker.js';
import { convertModel, type ModelSize } from './local-model-conversion.js';
import { readImglyModel } from './local-model-files.js';
import { isnetMediumActivations } from './local-model-int8-table.js';
import { type ActivationTable, hasVnni, quantizeModel } from './local-model-quantization.js';

/** Where the weights come from: an ONNX file, or the models inside @imgly/background-removal-data. */
export type ModelSource = { kind: 'file'; path: string } | { kind: 'imgly'; variant: 'small' | 'medium' };

export interface ModelOptions {
  /** An ISNet-compatible ONNX file (input `input` 1x3x1024x1024, output `output`); BACKDROP_LOCAL_MODEL too. */
  modelPath?: string | undefined;
  /** Which of @imgly/background-removal-data's models: `medium` (default, better edges) or `small`. */
  imglyModel?: 'small' | 'medium' | undefined;
}

export function modelSourceOf(options: ModelOptions): ModelSource {
  const path = options.modelPath ?? readEnvironmentVariable('BACKDROP_LOCAL_MODEL');
  return path ? { kind: 'file', path } : { kind: 'imgly', variant: options.imglyModel ?? 'medium' };
}

/** Bumped whenever convertModel's output changes, so that stale cached models are not reused. */
const conversionVersion = 2;

/** Bumped whenever quantizeModel's output or the activation table changes. */
const quantizationVersion = 1;

/**
 * The activation table to make the model int8 with (see local-model-quantization.ts), when that
 * pays: imgly's medium model (the table was calibrated for it), on an x86 CPU with VNNI (without
 * it, onnxruntime's u8 x s8 products can saturate). Calibrated and measured at the image size
 * (0.52 s a run instead of 1.53 s on two AVX-512 cores); the video size uses the same scales (a
 * tensor's range does not depend on the frame's size): 12.6 instead of 6.4 frames a second, with
 * the video quality test's IoU and flicker unchanged. BACKDROP_LOCAL_INT8=0 keeps float32.
 */
function int8Table(digest: string): ActivationTable | undefined {
  if (readEnvironmentVariable('BACKDROP_LOCAL_INT8') === '0' || digest !== isnetMediumActivations.model)
    return undefined;
  return hasVnni(cpuFlags()) ? isnetMediumActivations.activations : undefined;
}

/** Where converted models are kept: BACKDROP_CACHE_DIR, else the user's cache folder. */
function cacheFolder(): string {
  return (
    process.env.BACKDROP_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'backdrop', 'models')
  );
}

/**
 * The model converted for `size` (float32, see local-model-conversion.ts): the cached file's
 * path when an earlier process converted it or this one could write it (onnxruntime then reads
 * the file itself, with less memory than from bytes), else the converted bytes. A cache that
 * cannot be written only costs the conversion again next time. Where int8 pays (see int8Table),
 * the model is then quantized, and cached under a name of its own.
 */
async function convertedModel(original: Uint8Array, size: ModelSize): Promise<string | Uint8Array> {
  const digest = createHash('sha256').update(original).digest('hex').slice(0, 16);
  const table = int8Table(digest);
  const variant = table ? `-int8v${quantizationVersion}` : '';
  const path = join(
    cacheFolder(),
    `isnet-${digest}-${size.width}x${size.height}-v${conversionVersion}${variant}.onnx`,
  );
  if (
    await access(path).then(
      () => true,
      () => false,
    )
  )
    return path;
  const converted = table ? quantizeModel(convertModel(original, size), table) : convertModel(original, size);
  try {
    await mkdir(dirname(path), { recursive: true });
    // Written beside and renamed: a process reading the cache never sees half a file.
    const partial = `${path}.${process.pid}.partial`;
    await writeFile(partial, converted);
    await rename(partial, path);
    return path;
  } catch {
    // A read-only home: the converted model still serves this process.
    return converted;
  }
}

/**
 * This machine's CPU, for the name of onnxruntime's optimized graph: it picks kernels and
 * memory layouts (NCHWc blocks) for the CPU's instruction sets, so a graph optimized elsewhere
 * (a shared home folder, a copied cache) must not be reused here.
 */
function hardwareKey(): string {
  const cpu = `${arch()} ${cpus()[0]?.model ?? ''} ${cpuFlags()}`;
  return createHash('sha256').update(cpu).digest('hex').slice(0, 12);
}

/** The CPU's instruction set flags (Linux); none elsewhere, where the model name and architecture identify the CPU. */
function cpuFlags(): string {
  try {
    return (readFileSync('/proc/cpuinfo', 'utf8').match(/^(?:flags|Features)\s*:(.*)$/m)?.[1] ?? '').trim();
  } catch {
    return '';
  }
}

async function readModel(source: ModelSource): Promise<Uint8Array> {
  if (source.kind === 'imgly') return readImglyModel(source.variant);
  return readFile(source.path).catch((error: unknown) => {
    throw new BackdropError({
      code: 'invalid_input',
      provider: 'local',
      field: 'modelPath',
      message: `modelPath: cannot read ${source.path}`,
      cause: error,
    });
  });
}

/** The size images are segmented at, the size ISNet was trained and exported for. */
export const imageModelSize: ModelSize = { width: 1024, height: 1024 };

const sessions = new Map<string, Promise<InferenceWorker>>();

/**
 * The model's session for inputs of `size`, loaded once per process (in a worker thread, see
 * local-inference-worker.ts) and shared by every call.
 */
export function loadSession(source: ModelSource, size: ModelSize = imageModelSize): Promise<InferenceWorker> {
  const key = `${source.kind === 'file' ? `file:${source.path}` : `imgly:${source.variant}`}@${size.width}x${size.height}`;
  let session = sessions.get(key);
  if (!session) {
    session = (async () => {
      const model = await convertedModel(await readModel(source), size);
      return createInferenceWorker({
        model,
        optimizedPrefix:
          typeof model === 'string' ? `${model.replace(/\.onnx$/, '')}-${hardwareKey()}` : undefined,
        sessionOptions: {
          graphOptimizationLevel: 'all',
          // The CPU arena makes inference faster; memory patterns only hold on to every peak
          // allocation (about 1 GB more for no speed), and weights kept outside the arena let it
          // shrink back between runs.
          enableCpuMemArena: true,
          enableMemPattern: false,
          extra: {
            session: {
              use_device_allocator_for_initializers: '1',
              // Threads that spin while idle take the cores from sharp and ffmpeg, which overlap with inference.
              intra_op: { allow_spinning: '0' },
            },
          },
        },
      });
    })();
    // A failed load is not cached: a later call may find the weights installed.
    session.catch(() => sessions.delete(key));
    sessions.set(key, session);
  }
  return session;
}
