import { randomInt } from 'node:crypto';
import sharp from 'sharp';
import { namedColourValues } from '../fal/fal-endpoints.js';
import { removeBackground, replaceBackground } from '../image-processing.js';
import { removeVideoBackground } from '../video-processing.js';

/** A file as an app returns it (the app-side File serialisation, reference/providers.md 2.4). */
export interface InferenceFile {
  uri: string;
  content_type: string;
  size: number;
  filename: string;
}

export interface AppContext {
  /** Reads an input file: an inf:// upload, a URL or a data URI; throws AppFailure if it cannot. */
  loadFile(reference: string, field: string): Promise<Uint8Array>;
  storeFile(bytes: Uint8Array, contentType: string, filename: string): InferenceFile;
  log(message: string): void;
  progress(percent: number): void;
  flaggedWords: readonly string[];
}

/** The task failing, with the error text the task carries (status 11). */
export class AppFailure extends Error {}

/** An input refused before a task is made: inference.sh answers 400 invalid_request. */
export interface InputProblem {
  field: string;
  message: string;
}

export interface InferenceApp {
  id: string;
  validate(input: Record<string, unknown>): InputProblem[];
  run(input: Record<string, unknown>, context: AppContext): Promise<Record<string, unknown>>;
}

function checkType(
  input: Record<string, unknown>,
  field: string,
  type: 'string' | 'boolean' | 'integer',
  problems: InputProblem[],
): void {
  const value = input[field];
  if (value === undefined || value === null) return;
  const ok = type === 'integer' ? Number.isInteger(value) : typeof value === type;
  if (!ok)
    problems.push({ field, message: `${field} must be ${type === 'integer' ? 'an integer' : `a ${type}`}` });
}

function wordCount(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

// reference/providers.md 2.7: { image (required), preserve_alpha? } -> { image }.
const removeBackgroundApp: InferenceApp = {
  id: 'bria/rmbg',
  validate(input) {
    const problems: InputProblem[] = [];
    if (typeof input.image !== 'string' || input.image === '')
      problems.push({ field: 'image', message: 'image is required' });
    checkType(input, 'preserve_alpha', 'boolean', problems);
    return problems;
  },
  async run(input, context) {
    const source = await context.loadFile(String(input.image), 'image');
    context.log('removing background');
    context.progress(50);
    const { png } = await removeBackground(source);
    return { image: context.storeFile(png, 'image/png', 'output.png') };
  },
};

// Seed 002 and reference/providers.md 2.7: image required; prompt (English, 50-110 words) or
// ref_image; mode fast|base|high_control; seed 0-2147483647; original_quality, refine_prompt,
// prompt_content_moderation (default true) -> { image, output_meta }.
const replaceBackgroundApp: InferenceApp = {
  id: 'bria/replace-background',
  validate(input) {
    const problems: InputProblem[] = [];
    if (typeof input.image !== 'string' || input.image === '')
      problems.push({ field: 'image', message: 'image is required' });
    checkType(input, 'prompt', 'string', problems);
    checkType(input, 'ref_image', 'string', problems);
    checkType(input, 'seed', 'integer', problems);
    for (const field of ['original_quality', 'refine_prompt', 'prompt_content_moderation'])
      checkType(input, field, 'boolean', problems);
    const prompt = typeof input.prompt === 'string' ? input.prompt : undefined;
    const reference =
      typeof input.ref_image === 'string' && input.ref_image !== '' ? input.ref_image : undefined;
    if (!prompt && !reference)
      problems.push({ field: 'prompt', message: 'either prompt or ref_image is required' });
    if (prompt) {
      const words = wordCount(prompt);
      if (words < 50 || words > 110)
        problems.push({ field: 'prompt', message: `prompt must be 50-110 words (got ${words})` });
    }
    if (
      input.mode !== undefined &&
      input.mode !== null &&
      !['fast', 'base', 'high_control'].includes(String(input.mode))
    ) {
      problems.push({ field: 'mode', message: 'mode must be one of base, high_control, fast' });
    }
    if (typeof input.seed === 'number' && (input.seed < 0 || input.seed > 2147483647)) {
      problems.push({ field: 'seed', message: 'seed must be between 0 and 2147483647' });
    }
    return problems;
  },
  async run(input, context) {
    const prompt = typeof input.prompt === 'string' ? input.prompt : undefined;
    const moderated = input.prompt_content_moderation !== false;
    if (moderated && prompt && context.flaggedWords.some((word) => prompt.toLowerCase().includes(word))) {
      // The app calls Bria with raise_for_status(): Bria's 422 becomes the task's error text.
      throw new AppFailure(
        "Client error '422 Unprocessable Entity' for url 'https://engine.prod.bria-api.com/v2/image/edit/replace_background'\n" +
          'prompt_content_moderation: the prompt failed content moderation',
      );
    }
    const source = await context.loadFile(String(input.image), 'image');
    const reference =
      typeof input.ref_image === 'string' && input.ref_image !== ''
        ? await context.loadFile(input.ref_image, 'ref_image')
        : undefined;
    const seed = typeof input.seed === 'number' ? input.seed : randomInt(0, 2147483647);
    context.log(`mode ${String(input.mode ?? 'fast')}`);
    context.progress(30);
    const { png, width, height } = await replaceBackground(source, {
      referenceImage: reference,
      prompt,
      seed,
    });
    context.progress(90);
    // Without original_quality the emulator returns the model's working size: at most 1024 px a side.
    const keepSize = input.original_quality === true || Math.max(width, height) <= 1024;
    const output = keepSize ? png : await sharp(png).resize(1024, 1024, { fit: 'inside' }).png().toBuffer();
    return { image: context.storeFile(output, 'image/png', 'output.png'), output_meta: {} };
  },
};

// reference/providers.md 2.7: video_url (a plain string), background_color (default
// Transparent), output_container_and_codec (default mp4_h264), preserve_audio (default true) -> { video }.
// The emulator reads inf:// uploads as well as URLs in video_url: inference.sh's own file upload is
// how a local video reaches the app.
const videoContainers = [
  'mp4_h264',
  'mp4_h265',
  'webm_vp9',
  'mov_h265',
  'mov_proresks',
  'mkv_h264',
  'mkv_h265',
  'mkv_vp9',
  'gif',
];
const videoRemoveBackgroundApp: InferenceApp = {
  id: 'bria/video-rmbg',
  validate(input) {
    const problems: InputProblem[] = [];
    if (typeof input.video_url !== 'string' || input.video_url === '')
      problems.push({ field: 'video_url', message: 'video_url is required' });
    const colours = ['Transparent', ...Object.keys(namedColourValues)];
    if (input.background_color !== undefined && !colours.includes(String(input.background_color))) {
      problems.push({
        field: 'background_color',
        message: `background_color must be one of ${colours.join(', ')}`,
      });
    }
    if (
      input.output_container_and_codec !== undefined &&
      !videoContainers.includes(String(input.output_container_and_codec))
    ) {
      problems.push({
        field: 'output_container_and_codec',
        message: `output_container_and_codec must be one of ${videoContainers.join(', ')}`,
      });
    }
    checkType(input, 'preserve_audio', 'boolean', problems);
    return problems;
  },
  async run(input, context) {
    const source = await context.loadFile(String(input.video_url), 'video_url');
    const colour = typeof input.background_color === 'string' ? input.background_color : 'Transparent';
    const encoding =
      typeof input.output_container_and_codec === 'string' ? input.output_container_and_codec : 'mp4_h264';
    context.log(`removing the background (${colour}, ${encoding})`);
    context.progress(20);
    const output = await removeVideoBackground(source, {
      background: colour === 'Transparent' ? 'transparent' : (namedColourValues[colour] ?? [0, 0, 0]),
      encoding,
      keepAudio: input.preserve_audio !== false,
    });
    return { video: context.storeFile(output.bytes, output.contentType, `output.${output.extension}`) };
  },
};

export const inferenceApps: ReadonlyMap<string, InferenceApp> = new Map(
  [removeBackgroundApp, replaceBackgroundApp, videoRemoveBackgroundApp].map((app) => [app.id, app]),
);
