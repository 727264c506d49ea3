import type { DeclineReason } from '../errors/backdrop-error.js';
import type { PreparedMedia } from '../media/prepare-media.js';
import type {
  BackgroundConstraints,
  ImageConstraints,
  NumberRange,
  RealtimeVideoVariant,
  RemoveBackgroundVariant,
  RemoveVideoBackgroundVariant,
  ReplaceBackgroundVariant,
  VideoConstraints,
} from '../spec/capabilities.js';
import { formatLabels } from '../spec/media.js';
import type { ImageOutputFormat } from '../spec/options.js';
import { countWords, findNonLatinScript } from '../text/count-words.js';
import type {
  PreparedBackground,
  RealtimeVideoProfile,
  RemoveBackgroundProfile,
  RemoveVideoBackgroundProfile,
  ReplaceBackgroundProfile,
} from './request-profile.js';

function formatRange(range: NumberRange): string {
  return range.min === range.max ? `${range.min}` : `${range.min}-${range.max}`;
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1).replace(/\.0$/, '')} MB`;
}

function formatMegapixels(pixels: number): string {
  return `${(pixels / 1_000_000).toFixed(1).replace(/\.0$/, '')} MP`;
}

/** Collects decline reasons for one variant; `who` names it in messages ("inference.sh"). */
class ReasonCollector {
  readonly reasons: DeclineReason[] = [];
  constructor(
    readonly who: string,
    readonly model: string,
    readonly notes: Partial<Record<string, string>> = {},
  ) {}
  outOfRange(field: string, message: string): void {
    this.reasons.push({ code: 'invalid_input', field, message, model: this.model });
  }
  unsupported(field: string, message: string): void {
    const note = this.notes[field];
    this.reasons.push({
      code: 'unsupported',
      field,
      message: note ? `${message}; ${note}` : message,
      model: this.model,
    });
  }
  range(field: string, value: number, range: NumberRange, unit = ''): void {
    if (value < range.min || value > range.max) {
      this.outOfRange(field, `${field}: ${value}${unit}; ${this.who} needs ${formatRange(range)}`);
    }
  }
}

function checkLocalFile(
  collector: ReasonCollector,
  field: string,
  media: PreparedMedia,
  constraints: ImageConstraints | VideoConstraints,
): void {
  // A remote URL was never read: its format and size are the provider's to check.
  if (media.kind !== 'bytes') return;
  const { facts } = media;
  const formats = constraints.formats as readonly string[];
  if (!formats.includes(facts.format)) {
    const accepted = constraints.formats.map((format) => formatLabels[format]).join(', ');
    collector.outOfRange(
      field,
      `${field}: ${formatLabels[facts.format]}; ${collector.who} accepts ${accepted}`,
    );
  }
  if (constraints.maxBytes !== undefined && facts.sizeBytes > constraints.maxBytes) {
    collector.outOfRange(
      field,
      `${field}: ${formatMegabytes(facts.sizeBytes)}; ${collector.who} accepts up to ${formatMegabytes(constraints.maxBytes)}`,
    );
  }
  const maxPixels = 'maxPixels' in constraints ? constraints.maxPixels : undefined;
  if (maxPixels !== undefined && facts.width !== undefined && facts.height !== undefined) {
    const pixels = facts.width * facts.height;
    if (pixels > maxPixels) {
      collector.outOfRange(
        field,
        `${field}: ${facts.width}x${facts.height} (${formatMegapixels(pixels)}); ${collector.who} accepts up to ${formatMegapixels(maxPixels)}`,
      );
    }
  }
}

function checkBackground(
  collector: ReasonCollector,
  background: PreparedBackground,
  constraints: BackgroundConstraints,
): void {
  if (!constraints.types.includes(background.type)) {
    collector.unsupported(
      'background',
      `background: ${background.type}; ${collector.who} takes ${constraints.types.join(', ')} backgrounds`,
    );
    return;
  }
  if (background.type === 'color' && constraints.colors !== 'any') {
    const colors: readonly string[] = constraints.colors;
    if (!colors.includes(background.color)) {
      collector.outOfRange(
        'background.color',
        `background.color: ${background.color}; ${collector.who} takes ${constraints.colors.join(', ')}`,
      );
    }
  }
  if (background.type === 'blur' && constraints.blurStrength) {
    collector.range('background.strength', background.strength, constraints.blurStrength);
  }
  if (background.type === 'image' && constraints.image) {
    checkLocalFile(collector, 'background.image', background.image, constraints.image);
  }
}

/** PNG is every image variant's format; others only where declared. */
function checkOutputFormat(
  collector: ReasonCollector,
  format: ImageOutputFormat | undefined,
  formats: readonly ImageOutputFormat[] | undefined,
): void {
  if (format === undefined || format === 'png' || formats?.includes(format)) return;
  collector.unsupported(
    'outputFormat',
    `outputFormat: ${format}; ${collector.who} writes ${['png', ...(formats ?? [])].join(', ')}`,
  );
}

export function checkRemoveBackground(
  variant: RemoveBackgroundVariant,
  profile: RemoveBackgroundProfile,
  who: string,
): DeclineReason[] {
  const collector = new ReasonCollector(who, variant.model, variant.notes);
  checkLocalFile(collector, 'image', profile.image, variant.image);
  checkOutputFormat(collector, profile.outputFormat, variant.outputFormats);
  return collector.reasons;
}

export function checkReplaceBackground(
  variant: ReplaceBackgroundVariant,
  profile: ReplaceBackgroundProfile,
  who: string,
): DeclineReason[] {
  const collector = new ReasonCollector(who, variant.model, variant.notes);
  checkLocalFile(collector, 'image', profile.image, variant.image);
  checkOutputFormat(collector, profile.outputFormat, variant.outputFormats);

  if (profile.backgroundColor !== undefined && !variant.backgroundColor) {
    collector.unsupported(
      'backgroundColor',
      `backgroundColor: ${who} cannot replace a background with a plain colour`,
    );
  }
  if (profile.prompt !== undefined) {
    if (!variant.prompt) {
      collector.unsupported('prompt', `prompt: ${who} cannot replace a background from a prompt`);
    } else {
      const words = countWords(profile.prompt);
      if (variant.prompt.words && (words < variant.prompt.words.min || words > variant.prompt.words.max)) {
        collector.outOfRange(
          'prompt',
          `prompt: ${words} word${words === 1 ? '' : 's'}; ${who} needs ${formatRange(variant.prompt.words)}`,
        );
      }
      const script = variant.prompt.language === 'en' ? findNonLatinScript(profile.prompt) : undefined;
      if (script) collector.outOfRange('prompt', `prompt: written in ${script}; ${who} needs English`);
    }
  }
  if (profile.referenceImage !== undefined) {
    if (!variant.referenceImage) {
      collector.unsupported(
        'referenceImage',
        `referenceImage: ${who} cannot replace a background from a reference image`,
      );
    } else {
      checkLocalFile(collector, 'referenceImage', profile.referenceImage, variant.referenceImage);
      if (profile.prompt !== undefined && variant.prompt && !variant.promptWithReference) {
        collector.outOfRange(
          'referenceImage',
          `referenceImage: ${who} takes a prompt or a reference image, not both`,
        );
      }
    }
  }
  if (profile.negativePrompt !== undefined && !variant.negativePrompt) {
    collector.unsupported('negativePrompt', `negativePrompt: ${who} does not take a negative prompt`);
  }
  collector.range('count', profile.count, variant.resultCount);
  if (profile.seed !== undefined) {
    if (variant.seed) collector.range('seed', profile.seed, variant.seed);
    else collector.unsupported('seed', `seed: ${who} does not take a seed`);
  }
  if (profile.qualityMode !== undefined && !variant.qualityModes?.includes(profile.qualityMode)) {
    const offered = variant.qualityModes?.length
      ? `takes ${variant.qualityModes.join(', ')}`
      : 'has no quality modes';
    collector.unsupported('qualityMode', `qualityMode: ${profile.qualityMode}; ${who} ${offered}`);
  }
  const switches = [
    ['refinePrompt', variant.refinePrompt, 'prompt refinement'],
    ['preserveOriginalSize', variant.preserveOriginalSize, 'keeping the original size'],
    ['moderation', variant.moderation, 'switching prompt moderation'],
  ] as const;
  for (const [field, supported, label] of switches) {
    if (profile[field] !== undefined && !supported)
      collector.unsupported(field, `${field}: ${who} does not offer ${label}`);
  }
  return collector.reasons;
}

export function checkRemoveVideoBackground(
  variant: RemoveVideoBackgroundVariant,
  profile: RemoveVideoBackgroundProfile,
  who: string,
): DeclineReason[] {
  const collector = new ReasonCollector(who, variant.model, variant.notes);
  checkLocalFile(collector, 'video', profile.video, variant.video);
  checkBackground(collector, profile.background, variant.background);
  if (profile.container !== undefined && !variant.containers.includes(profile.container)) {
    collector.outOfRange(
      'container',
      `container: ${profile.container}; ${who} offers ${variant.containers.join(', ')}`,
    );
  } else if (
    profile.background.type === 'transparent' &&
    profile.container !== undefined &&
    !variant.alphaContainers.includes(profile.container)
  ) {
    collector.outOfRange(
      'container',
      `container: ${profile.container} cannot carry transparency; for a transparent background ${who} offers ${variant.alphaContainers.join(', ')}`,
    );
  }
  if (profile.keepAudio !== undefined && !variant.audio) {
    collector.unsupported('keepAudio', `keepAudio: ${who} cannot choose whether to keep the audio`);
  }
  return collector.reasons;
}

export function checkRealtimeVideo(
  variant: RealtimeVideoVariant,
  profile: RealtimeVideoProfile,
  who: string,
): DeclineReason[] {
  const collector = new ReasonCollector(who, variant.model, variant.notes);
  checkBackground(collector, profile.background, variant.background);
  return collector.reasons;
}
