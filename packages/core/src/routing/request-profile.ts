import type { PreparedMedia } from '../media/prepare-media.js';
import type { BackgroundWith } from '../spec/calls.js';
import type {
  HexColor,
  ImageOutputFormat,
  NamedColor,
  QualityMode,
  VideoContainer,
} from '../spec/options.js';

export type PreparedBackground = BackgroundWith<PreparedMedia>;

/** A request as routing sees it: its options and what core learnt about its media. */
export interface RemoveBackgroundProfile {
  operation: 'removeBackground';
  image: PreparedMedia;
  outputFormat?: ImageOutputFormat | undefined;
}

export interface ReplaceBackgroundProfile {
  operation: 'replaceBackground';
  image: PreparedMedia;
  prompt?: string | undefined;
  referenceImage?: PreparedMedia | undefined;
  backgroundColor?: NamedColor | HexColor | undefined;
  negativePrompt?: string | undefined;
  seed?: number | undefined;
  count: number;
  qualityMode?: QualityMode | undefined;
  refinePrompt?: boolean | undefined;
  preserveOriginalSize?: boolean | undefined;
  moderation?: boolean | undefined;
  outputFormat?: ImageOutputFormat | undefined;
}

export interface RemoveVideoBackgroundProfile {
  operation: 'removeVideoBackground';
  video: PreparedMedia;
  background: PreparedBackground;
  container?: VideoContainer | undefined;
  keepAudio?: boolean | undefined;
}

export interface RealtimeVideoProfile {
  operation: 'connectRealtimeVideo';
  background: PreparedBackground;
}

export type RequestProfile =
  | RemoveBackgroundProfile
  | ReplaceBackgroundProfile
  | RemoveVideoBackgroundProfile
  | RealtimeVideoProfile;
