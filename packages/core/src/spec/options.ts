/** Named colours both providers understand; the local engine also takes `#rrggbb`. */
export const namedColors = [
  'black',
  'white',
  'gray',
  'red',
  'green',
  'blue',
  'yellow',
  'cyan',
  'magenta',
  'orange',
] as const;
export type NamedColor = (typeof namedColors)[number];
export type HexColor = `#${string}`;

/** Output container and codec of a processed video, as one name (`webm_vp9`). */
export const videoContainers = [
  'mp4_h264',
  'mp4_h265',
  'webm_vp9',
  'mov_h264',
  'mov_h265',
  'mov_proresks',
  'mkv_h264',
  'mkv_h265',
  'mkv_vp9',
  'mkv_mpeg4',
  'avi_h264',
  'gif',
] as const;
export type VideoContainer = (typeof videoContainers)[number];

/** Formats an image result can be written in; JPEG has no alpha, so cut-outs come as PNG or WebP. */
export const imageOutputFormats = ['png', 'webp', 'jpeg'] as const;
export type ImageOutputFormat = (typeof imageOutputFormats)[number];

/** Generation quality: `fast` (fewer steps), `base`, or `high_control` (follows the prompt more closely). */
export const qualityModes = ['fast', 'base', 'high_control'] as const;
export type QualityMode = (typeof qualityModes)[number];

export const backgroundTypes = ['transparent', 'color', 'blur', 'image'] as const;
export type BackgroundType = (typeof backgroundTypes)[number];

export const maximumSeed = 2_147_483_647;

/** A named colour as Bria's APIs spell it (`black` -> `Black`), on fal and inference.sh alike. */
export function titleCaseColor(color: NamedColor): Capitalize<NamedColor> {
  return `${color.charAt(0).toUpperCase()}${color.slice(1)}` as Capitalize<NamedColor>;
}
