import {
  defaultSettings,
  editModes,
  emptyKeys,
  type PluginSettings,
  type ProviderKeys,
  providerChoices,
} from '../shared/plugin-messages.js';

// figma.clientStorage is local to this computer and this plugin: private, not encrypted.
const settingsKey = 'backdrop.settings';
const keysKey = 'backdrop.provider-keys';

function pick<T>(value: unknown, accepted: readonly T[], fallback: T): T {
  return accepted.includes(value as T) ? (value as T) : fallback;
}

/** Remembered settings, each field checked, so an old or damaged entry never breaks the plugin. */
export function sanitizeSettings(stored: unknown): PluginSettings {
  const value = (typeof stored === 'object' && stored !== null ? stored : {}) as Record<string, unknown>;
  const text = (key: keyof PluginSettings) =>
    typeof value[key] === 'string' ? (value[key] as string) : (defaultSettings[key] as string);
  const variations = Number(value.variations);
  return {
    provider: pick(value.provider, providerChoices, defaultSettings.provider),
    mode: pick(value.mode, editModes, defaultSettings.mode),
    keepOriginal: typeof value.keepOriginal === 'boolean' ? value.keepOriginal : defaultSettings.keepOriginal,
    prompt: text('prompt'),
    negativePrompt: text('negativePrompt'),
    seed: text('seed'),
    variations: Number.isInteger(variations) && variations >= 1 && variations <= 4 ? variations : 1,
    color: /^#[0-9a-f]{6}$/i.test(text('color')) ? text('color') : defaultSettings.color,
  };
}

function sanitizeKeys(stored: unknown): ProviderKeys {
  const value = (typeof stored === 'object' && stored !== null ? stored : {}) as Record<string, unknown>;
  return {
    fal: typeof value.fal === 'string' ? value.fal.trim() : emptyKeys.fal,
    inferencesh: typeof value.inferencesh === 'string' ? value.inferencesh.trim() : emptyKeys.inferencesh,
  };
}

export async function loadSettings(storage: ClientStorageAPI): Promise<PluginSettings> {
  return sanitizeSettings(await storage.getAsync(settingsKey));
}

export async function saveSettings(storage: ClientStorageAPI, settings: PluginSettings): Promise<void> {
  await storage.setAsync(settingsKey, sanitizeSettings(settings));
}

export async function loadKeys(storage: ClientStorageAPI): Promise<ProviderKeys> {
  return sanitizeKeys(await storage.getAsync(keysKey));
}

/** Keeps the keys the designer typed; an empty field removes that key. */
export async function saveKeys(storage: ClientStorageAPI, keys: ProviderKeys): Promise<void> {
  const clean = sanitizeKeys(keys);
  if (!clean.fal && !clean.inferencesh) await storage.deleteAsync(keysKey);
  else await storage.setAsync(keysKey, clean);
}
