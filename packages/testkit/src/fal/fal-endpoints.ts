import { randomInt, randomUUID } from 'node:crypto';
import { removeBackground, replaceBackground } from '../image-processing.js';
import { removeVideoBackground } from '../video-processing.js';
import { type FalErrorItem, FalValidator } from './fal-validation.js';

/** A stored output, as fal's `Image` type describes it. */
export interface FalImage {
  url: string;
  content_type: string;
  file_name: string;
  file_size: number;
  width: number;
  height: number;
}

/** A stored output file, as fal's `File` and `Video` types describe it. */
export interface FalFile {
  url: string;
  content_type: string;
  file_name: string;
  file_size: number;
}

export interface EndpointContext {
  /** Fetches an input file (fal storage, a data URI, or any http URL) or answers a 422 naming the field. */
  loadFile(url: string, field: string): Promise<Uint8Array>;
  storeImage(png: Buffer, width: number, height: number, syncMode: boolean): FalImage;
  storeFile(bytes: Uint8Array, contentType: string, fileName: string): FalFile;
  log(message: string): void;
  flaggedWords: readonly string[];
}

/** A model answer that is an error: HTTP status and body, as the queue's result returns it. */
export class FalModelFailure extends Error {
  constructor(
    readonly status: number,
    readonly detail: FalErrorItem[],
  ) {
    super(detail.map((item) => item.msg).join('; '));
  }
}

export interface FalEndpoint {
  id: string;
  /** Request-time validation: errors here are a 422 from the submit itself. */
  validate(input: Record<string, unknown>): FalErrorItem[];
  run(input: Record<string, unknown>, context: EndpointContext): Promise<Record<string, unknown>>;
}

function moderate(prompt: string | undefined, context: EndpointContext): void {
  if (!prompt) return;
  const lower = prompt.toLowerCase();
  if (context.flaggedWords.some((word) => lower.includes(word))) {
    throw new FalModelFailure(422, [
      {
        loc: ['body', 'prompt'],
        msg: 'The content could not be processed because it contained material flagged by a content checker.',
        type: 'content_policy_violation',
        url: 'https://docs.fal.ai/errors#content_policy_violation',
      },
    ]);
  }
}

// Seed 003, "Remove" tab: image_url (required), sync_mode (default false) -> { image }.
const backgroundRemove: FalEndpoint = {
  id: 'fal-ai/bria/background/remove',
  validate(input) {
    const check = new FalValidator(input);
    check.string('image_url', { required: true });
    check.boolean('sync_mode');
    return check.errors;
  },
  async run(input, context) {
    const source = await context.loadFile(String(input.image_url), 'image_url');
    context.log('Removing background');
    const { png, width, height } = await removeBackground(source);
    return { image: context.storeImage(png, width, height, input.sync_mode === true) };
  },
};

// Seed 003, "Replace" tab: ref_image_url or prompt, not both; num_images 1-4; seed 0-2147483647 -> { images, seed }.
const backgroundReplace: FalEndpoint = {
  id: 'fal-ai/bria/background/replace',
  validate(input) {
    const check = new FalValidator(input);
    check.string('image_url', { required: true });
    const reference = check.string('ref_image_url') ?? '';
    const prompt = check.string('prompt');
    check.string('negative_prompt');
    check.boolean('refine_prompt');
    check.boolean('fast');
    check.boolean('sync_mode');
    check.integer('seed', { minimum: 0, maximum: 2147483647 });
    check.integer('num_images', { minimum: 1, maximum: 4 });
    const hasPrompt = prompt !== undefined && prompt !== '';
    if (reference !== '' && hasPrompt)
      check.rule('Either ref_image_url or bg_prompt has to be provided but not both');
    if (reference === '' && !hasPrompt && check.errors.length === 0) {
      check.rule('Either ref_image_url or bg_prompt has to be provided');
    }
    return check.errors;
  },
  async run(input, context) {
    const prompt = typeof input.prompt === 'string' && input.prompt !== '' ? input.prompt : undefined;
    moderate(prompt, context);
    const source = await context.loadFile(String(input.image_url), 'image_url');
    const referenceUrl = typeof input.ref_image_url === 'string' ? input.ref_image_url : '';
    const referenceImage =
      referenceUrl === '' ? undefined : await context.loadFile(referenceUrl, 'ref_image_url');
    const seed = typeof input.seed === 'number' ? input.seed : randomInt(0, 2147483647);
    const count = typeof input.num_images === 'number' ? input.num_images : 1;
    const images: FalImage[] = [];
    for (let index = 0; index < count; index++) {
      context.log(`Generating image ${index + 1} of ${count}`);
      const { png, width, height } = await replaceBackground(source, {
        referenceImage,
        prompt,
        seed: seed + index,
      });
      images.push(context.storeImage(png, width, height, input.sync_mode === true));
    }
    return { images, seed };
  },
};

// Seeds 000 and 001: every field optional; seed 4925634 and steps_num 30 by default -> { image, images }.
const replaceBackgroundEndpoint: FalEndpoint = {
  id: 'bria/replace-background',
  validate(input) {
    const check = new FalValidator(input);
    check.string('prompt');
    check.string('image_url');
    check.integer('seed');
    check.integer('steps_num');
    check.string('negative_prompt');
    check.boolean('sync_mode');
    return check.errors;
  },
  async run(input, context) {
    const prompt = typeof input.prompt === 'string' ? input.prompt : undefined;
    moderate(prompt, context);
    const imageUrl =
      typeof input.image_url === 'string'
        ? input.image_url
        : 'https://v3b.fal.media/files/b/0a8bea8c/Mztgx0NG3HPdby-4iPqwH_a_coffee_machine_standing_in_the_kitchen.png';
    const source = await context.loadFile(imageUrl, 'image_url');
    const seed = typeof input.seed === 'number' ? input.seed : 4925634;
    const steps = typeof input.steps_num === 'number' ? input.steps_num : 30;
    context.log(`Replacing background in ${steps} steps`);
    const { png, width, height } = await replaceBackground(source, { prompt, seed });
    const image = context.storeImage(png, width, height, input.sync_mode === true);
    return { image, images: [image] };
  },
};

/** The documented background colours, as RGB. */
export const namedColourValues: Readonly<Record<string, readonly [number, number, number]>> = {
  Black: [0, 0, 0],
  White: [255, 255, 255],
  Gray: [128, 128, 128],
  Red: [255, 0, 0],
  Green: [0, 255, 0],
  Blue: [0, 0, 255],
  Yellow: [255, 255, 0],
  Cyan: [0, 255, 255],
  Magenta: [255, 0, 255],
  Orange: [255, 165, 0],
};

// Seed 004, bria_video-cpu_InputRemoveBackgroundModel: video_url (required), background_color
// (Transparent or a colour, default Black), output_container_and_codec (default webm_vp9),
// preserve_audio (default true) -> { video, request_id }.
const videoContainers = [
  'mp4_h265',
  'mp4_h264',
  'webm_vp9',
  'mov_h265',
  'mov_proresks',
  'mkv_h265',
  'mkv_h264',
  'mkv_vp9',
  'avi_h264',
  'gif',
];
const videoBackgroundRemoval: FalEndpoint = {
  id: 'bria/video/background-removal',
  validate(input) {
    const check = new FalValidator(input);
    check.string('video_url', { required: true });
    check.enumeration('background_color', ['Transparent', ...Object.keys(namedColourValues)]);
    check.enumeration('output_container_and_codec', videoContainers);
    check.boolean('preserve_audio');
    return check.errors;
  },
  async run(input, context) {
    const source = await context.loadFile(String(input.video_url), 'video_url');
    const colour = typeof input.background_color === 'string' ? input.background_color : 'Black';
    const encoding =
      typeof input.output_container_and_codec === 'string' ? input.output_container_and_codec : 'webm_vp9';
    context.log(`Removing the background of the video (${colour}, ${encoding})`);
    const output = await removeVideoBackground(source, {
      background: colour === 'Transparent' ? 'transparent' : (namedColourValues[colour] ?? [0, 0, 0]),
      encoding,
      keepAudio: input.preserve_audio !== false,
    });
    return {
      video: context.storeFile(output.bytes, output.contentType, `output.${output.extension}`),
      request_id: randomUUID(),
    };
  },
};

export const falEndpoints: ReadonlyMap<string, FalEndpoint> = new Map(
  [backgroundRemove, backgroundReplace, replaceBackgroundEndpoint, videoBackgroundRemoval].map((endpoint) => [
    endpoint.id,
    endpoint,
  ]),
);
