import { type Backdrop, createBackdrop } from '@backdrop/core';
import { createFal } from '@backdrop/fal-adapter';
import { createInferenceSh } from '@backdrop/inferencesh-adapter';
import type { ProviderKeys } from '../shared/plugin-messages.js';

export interface PluginBackdropOptions {
  keys: ProviderKeys;
  /** A team's fal server proxy: fal then needs no key in the plugin. */
  falProxyUrl?: string | undefined;
  /** How often to poll a job that has no stream, in ms. */
  pollIntervalMs?: number | undefined;
}

/**
 * Core over the providers the designer can use: fal with a key or the team's proxy, inference.sh
 * with a key. Undefined when there is none, so the plugin opens on its settings.
 */
export function createPluginBackdrop(options: PluginBackdropOptions): Backdrop | undefined {
  const providers = [];
  if (options.falProxyUrl) providers.push(createFal({ proxyUrl: options.falProxyUrl }));
  else if (options.keys.fal) providers.push(createFal({ credentials: options.keys.fal }));
  if (options.keys.inferencesh) providers.push(createInferenceSh({ apiKey: options.keys.inferencesh }));
  if (providers.length === 0) return undefined;
  return createBackdrop({ providers, pollIntervalMs: options.pollIntervalMs ?? 250 });
}
