// The one message protocol between the plugin's main thread (Figma's sandbox) and its UI iframe.
// Figma forwards `{ pluginMessage }` both ways; every request the UI makes carries a `requestId`
// that the main thread's answer repeats.

export const providerChoices = ['auto', 'fal', 'inferencesh'] as const;
export type ProviderChoice = (typeof providerChoices)[number];

export const editModes = ['remove', 'prompt', 'reference', 'color'] as const;
export type EditMode = (typeof editModes)[number];

/** What the designer chose last time, remembered in `figma.clientStorage`. */
export interface PluginSettings {
  provider: ProviderChoice;
  mode: EditMode;
  keepOriginal: boolean;
  prompt: string;
  negativePrompt: string;
  /** Empty for a random seed. */
  seed: string;
  variations: number;
  /** `#rrggbb`. */
  color: string;
}

/** API keys as the designer typed them; empty when not set. Never logged, named or shown. */
export interface ProviderKeys {
  fal: string;
  inferencesh: string;
}

/** A selected layer with an image fill. */
export interface ImageLayer {
  id: string;
  name: string;
  width: number;
  height: number;
  imageHash: string;
}

/** A selected layer that cannot be processed, and why, in plain words. */
export interface SkippedLayer {
  id: string;
  name: string;
  reason: string;
}

export interface SelectionSummary {
  layers: ImageLayer[];
  skipped: SkippedLayer[];
}

/** How the plugin was launched: the menu, or the relaunch button on a processed layer. */
export type LaunchCommand = 'open' | 'remove-background' | 'settings';

/** One finished image to write, already within Figma's 4096 px limit. */
export interface ResultImage {
  bytes: Uint8Array;
  width: number;
  height: number;
}

export type ResultLabel = 'background removed' | 'background replaced';

export interface WriteResultRequest {
  type: 'write-result';
  requestId: number;
  layerId: string;
  images: ResultImage[];
  label: ResultLabel;
  keepOriginal: boolean;
  /** Put the cut-out over this solid colour (`#rrggbb`) in the same fills, so it stays editable. */
  backgroundColor?: string | undefined;
}

export type UiToMainMessage =
  | { type: 'ready' }
  | { type: 'read-image'; requestId: number; layerId: string }
  | WriteResultRequest
  | { type: 'save-settings'; settings: PluginSettings }
  | { type: 'save-keys'; keys: ProviderKeys }
  | { type: 'notify'; message: string; error?: boolean | undefined };

export type MainToUiMessage =
  | {
      type: 'init';
      command: LaunchCommand;
      settings: PluginSettings;
      keys: ProviderKeys;
      selection: SelectionSummary;
    }
  | { type: 'selection'; selection: SelectionSummary }
  | { type: 'image-bytes'; requestId: number; bytes: Uint8Array }
  | { type: 'written'; requestId: number; layerIds: string[] }
  | { type: 'request-failed'; requestId: number; message: string };

export const defaultSettings: PluginSettings = {
  provider: 'auto',
  mode: 'remove',
  keepOriginal: true,
  prompt: '',
  negativePrompt: '',
  seed: '',
  variations: 1,
  color: '#ffffff',
};

export const emptyKeys: ProviderKeys = { fal: '', inferencesh: '' };
