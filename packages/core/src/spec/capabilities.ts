import type { ImageFormat, VideoFormat } from './media.js';
import type {
  BackgroundType,
  ImageOutputFormat,
  NamedColor,
  QualityMode,
  VideoContainer,
} from './options.js';

/** What an adapter accepts as an image input. */
export interface ImageConstraints {
  formats: readonly ImageFormat[];
  maxBytes?: number | undefined;
  /** Width times height. */
  maxPixels?: number | undefined;
}

export interface VideoConstraints {
  formats: readonly VideoFormat[];
  maxBytes?: number | undefined;
}

export interface NumberRange {
  min: number;
  max: number;
}

/** A price, for cost estimates. */
export interface Price {
  usd: number;
  per: 'image' | 'request' | 'second';
}

/**
 * Each operation is declared as one or more variants (a model or endpoint each). A request is
 * served by the first variant whose constraints it satisfies; core checks these before any
 * network call and routes on them.
 */
interface VariantBase {
  /** The provider's model or endpoint id (`fal-ai/bria/background/remove`). */
  model: string;
  /** Overrides core's price table for this model. */
  price?: Price | undefined;
  /** Added to the message when a field is declined as unsupported: where to go instead. */
  notes?: Partial<Record<string, string>> | undefined;
}

export interface RemoveBackgroundVariant extends VariantBase {
  image: ImageConstraints;
  /** Formats the result can be written in besides PNG (`outputFormat`); absent: PNG only. */
  outputFormats?: readonly ImageOutputFormat[] | undefined;
}

export interface PromptConstraints {
  /** Words as the provider counts them: runs of non-whitespace. */
  words?: NumberRange | undefined;
  /** The prompt must be written in this language (`en`). */
  language?: 'en' | undefined;
}

export interface ReplaceBackgroundVariant extends VariantBase {
  image: ImageConstraints;
  /** Formats the result can be written in besides PNG (`outputFormat`); absent: PNG only. */
  outputFormats?: readonly ImageOutputFormat[] | undefined;
  /** Absent: this variant cannot replace by prompt. */
  prompt?: PromptConstraints | undefined;
  /** Absent: this variant cannot replace from a reference image. */
  referenceImage?: ImageConstraints | undefined;
  /** Whether the background can be a plain colour (`backgroundColor`). */
  backgroundColor?: boolean | undefined;
  /** Whether a prompt and a reference image may be sent together. */
  promptWithReference?: boolean | undefined;
  negativePrompt?: boolean | undefined;
  resultCount: NumberRange;
  /** Absent: seeds are not supported. */
  seed?: NumberRange | undefined;
  qualityModes?: readonly QualityMode[] | undefined;
  refinePrompt?: boolean | undefined;
  preserveOriginalSize?: boolean | undefined;
  /** Whether prompt moderation can be switched on and off. */
  moderation?: boolean | undefined;
}

export interface BackgroundConstraints {
  types: readonly BackgroundType[];
  /** Named colours accepted, or `any` for named and `#rrggbb` colours. */
  colors: readonly NamedColor[] | 'any';
  blurStrength?: NumberRange | undefined;
  /** What a background image may be, for the `image` type. */
  image?: ImageConstraints | undefined;
}

export interface RemoveVideoBackgroundVariant extends VariantBase {
  video: VideoConstraints;
  background: BackgroundConstraints;
  containers: readonly VideoContainer[];
  /** The containers that can carry an alpha channel, for a transparent background. */
  alphaContainers: readonly VideoContainer[];
  /** Whether keeping or dropping the audio track can be chosen. */
  audio: boolean;
}

export interface RealtimeVideoVariant extends VariantBase {
  background: BackgroundConstraints;
}

export interface ProviderCapabilities {
  removeBackground?: readonly RemoveBackgroundVariant[] | undefined;
  replaceBackground?: readonly ReplaceBackgroundVariant[] | undefined;
  removeVideoBackground?: readonly RemoveVideoBackgroundVariant[] | undefined;
  connectRealtimeVideo?: readonly RealtimeVideoVariant[] | undefined;
}

export type OperationName = keyof ProviderCapabilities;
