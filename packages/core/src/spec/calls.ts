import type { AdapterMedia } from './media.js';
import type { HexColor, ImageOutputFormat, NamedColor, QualityMode, VideoContainer } from './options.js';

/** What an adapter receives: validated, routed to one of its variants, media resolved. */
interface CallBase {
  /** The variant core chose, from the adapter's capabilities. */
  model: string;
  /** The caller's options for this provider, unvalidated: the adapter checks its own. */
  providerOptions: unknown;
  /** Where the provider should report completion, when the caller gave one. */
  webhookUrl?: string | undefined;
}

export interface RemoveBackgroundCall extends CallBase {
  image: AdapterMedia;
  /** Absent: PNG. Only sent to variants that declare the format in `outputFormats`. */
  outputFormat?: ImageOutputFormat | undefined;
}

export interface ReplaceBackgroundCall extends CallBase {
  image: AdapterMedia;
  prompt?: string | undefined;
  referenceImage?: AdapterMedia | undefined;
  /** A plain colour to put behind the subject (named or #rrggbb). */
  backgroundColor?: NamedColor | HexColor | undefined;
  negativePrompt?: string | undefined;
  seed?: number | undefined;
  count: number;
  qualityMode?: QualityMode | undefined;
  refinePrompt?: boolean | undefined;
  preserveOriginalSize?: boolean | undefined;
  moderation?: boolean | undefined;
  /** Absent: PNG. Only sent to variants that declare the format in `outputFormats`. */
  outputFormat?: ImageOutputFormat | undefined;
}

/** A background whose image, if any, is `Media`: checked local media, or media an adapter can read. */
export type BackgroundWith<Media> =
  | { type: 'transparent' }
  | { type: 'color'; color: NamedColor | HexColor }
  | { type: 'blur'; strength: number }
  | { type: 'image'; image: Media };

export type ResolvedBackground = BackgroundWith<AdapterMedia>;

export interface RemoveVideoBackgroundCall extends CallBase {
  video: AdapterMedia;
  background: ResolvedBackground;
  container?: VideoContainer | undefined;
  keepAudio?: boolean | undefined;
}

export interface RealtimeVideoCall extends CallBase {
  background: ResolvedBackground;
}
