import {
  type Backdrop,
  type BackdropAdapter,
  createBackdrop,
  estimateCostUsd,
  findPrice,
  isBackdropError,
  type JobHandle,
} from '@backdrop/core/node';
import { createFal } from '@backdrop/fal-adapter';
import { createInferenceSh } from '@backdrop/inferencesh-adapter';
import { runProviderJob } from '@backdrop/jobs';
import { createLocal } from '@backdrop/local-adapter';
import type { OperationSettings, ProviderChoice } from './operation-settings';

export interface EngineOptions {
  falKey?: string | undefined;
  inferenceApiKey?: string | undefined;
  falProxyUrl?: string | undefined;
  inferenceBaseUrl?: string | undefined;
  /** Adapters to use instead (tests point them at the emulators). */
  adapters?: readonly BackdropAdapter[];
  /** Hosts whose private addresses results may come from (the emulators' loopback, in tests). */
  allowPrivateAddresses?: readonly string[];
}

/**
 * Core over the adapters the server has keys for; with none, the offline local engine, so a
 * merchant can remove backgrounds with no provider account. Keys stay here, on the server.
 */
export function createEngine(options: EngineOptions): Backdrop {
  const providers: BackdropAdapter[] = options.adapters
    ? [...options.adapters]
    : [
        ...(options.falKey || options.falProxyUrl
          ? [createFal({ credentials: options.falKey, proxyUrl: options.falProxyUrl })]
          : []),
        ...(options.inferenceApiKey
          ? [createInferenceSh({ apiKey: options.inferenceApiKey, baseUrl: options.inferenceBaseUrl })]
          : []),
        createLocal(),
      ];
  return createBackdrop({
    providers,
    retry: { maxRetries: 2 },
    allowPrivateAddresses: options.allowPrivateAddresses,
  });
}

export interface ProcessedImage {
  bytes: Uint8Array;
  contentType: string;
  provider: string;
  seed: number | undefined;
  costUsd: number | undefined;
}

function providerOf(choice: ProviderChoice): string | undefined {
  return choice === 'auto' ? undefined : choice;
}

/**
 * Runs one operation on one image through core (validation, routing, retries live there) as a
 * provider job that is never paid for twice: a `savedHandle` is resumed instead of starting
 * anew, and a paid job's handle goes to `saveHandle` the moment the provider accepts it.
 */
export async function runOperation(
  backdrop: Backdrop,
  settings: OperationSettings,
  image: Uint8Array | undefined,
  options: {
    provider: ProviderChoice;
    seed?: number | undefined;
    signal: AbortSignal;
    savedHandle?: JobHandle | undefined;
    saveHandle?: (handle: JobHandle | undefined) => Promise<void>;
    /**
     * Told `true` just before the start is sent and `false` once it failed here: a process that
     * dies in between leaves `true`, and the start may have been taken (see item-work.server.ts).
     */
    markStartSent?: (sent: boolean) => Promise<void>;
  },
): Promise<ProcessedImage> {
  const markStartSent = options.markStartSent ?? (async () => undefined);
  const start = async () => {
    await markStartSent(true);
    try {
      return await sendStart();
    } catch (error) {
      await markStartSent(false);
      throw error;
    }
  };
  const sendStart = () => {
    if (!image) throw new Error('The original image is needed to start a job');
    const common = {
      image: new Blob([new Uint8Array(image)]),
      provider: providerOf(options.provider),
      signal: options.signal,
    };
    return settings.kind === 'remove' && settings.background === 'transparent'
      ? backdrop.startRemoveBackground(common)
      : settings.kind === 'remove'
        ? backdrop.startReplaceBackground({ ...common, backgroundColor: '#ffffff' })
        : settings.kind === 'color'
          ? backdrop.startReplaceBackground({ ...common, backgroundColor: settings.color as `#${string}` })
          : settings.kind === 'prompt'
            ? backdrop.startReplaceBackground({
                ...common,
                prompt: settings.prompt,
                negativePrompt: settings.negativePrompt,
                seed: options.seed ?? settings.seed,
              })
            : backdrop.startReplaceBackground({ ...common, referenceImage: settings.referenceImage });
  };
  let handleKept = options.savedHandle !== undefined;
  const saveHandle = async (handle: JobHandle | undefined) => {
    handleKept = handle !== undefined;
    await options.saveHandle?.(handle);
  };
  const result = await runProviderJob({
    backdrop,
    start,
    context: {
      id: '',
      data: undefined,
      tenant: undefined,
      attempt: 1,
      finalAttempt: true,
      signal: options.signal,
      savedHandle: options.savedHandle,
      saveHandle,
      reportProgress: async () => undefined,
    },
  });
  const output = result.outputs[0];
  if (!output) throw new Error(`${result.provider} returned no image`);
  const processed = {
    bytes: await output.bytes(),
    contentType: output.contentType ?? 'image/png',
    provider: result.provider,
    seed: result.seed,
    costUsd: result.estimatedCostUsd,
  };
  // Its result is in hand: a later run of this item (a retry, a new seed) is a new job.
  if (handleKept) await saveHandle(undefined);
  return processed;
}

/** The cost shown before a job starts: the chosen provider's published price times the images. */
export function estimateJobCost(
  backdrop: Backdrop,
  settings: OperationSettings,
  provider: ProviderChoice,
  images: number,
): { provider: string; usd: number | undefined } | { provider: undefined; reason: string } {
  const operation =
    settings.kind === 'remove' && settings.background === 'transparent'
      ? 'removeBackground'
      : 'replaceBackground';
  const generative = settings.kind === 'prompt' || settings.kind === 'reference';
  const candidates = backdrop.providers.filter(
    (summary) =>
      (provider === 'auto' || summary.provider === provider) &&
      (summary.capabilities[operation]?.length ?? 0) > 0 &&
      !(generative && summary.provider === 'local'),
  );
  const chosen = candidates[0];
  if (!chosen)
    return {
      provider: undefined,
      reason: generative
        ? 'A scene from a prompt or a reference image needs a provider: set FAL_KEY or INFERENCE_API_KEY on the server'
        : `No configured provider can do this${provider === 'auto' ? '' : ` (${provider} has no key on the server)`}`,
    };
  const variant = chosen.capabilities[operation]?.[0];
  const price = findPrice(chosen.provider, variant?.model ?? '', variant?.price);
  return { provider: chosen.provider, usd: estimateCostUsd(price, { images }) };
}

/** An item's error in plain words for the merchant (never a key: core redacts secrets). */
export function describeFailure(error: unknown): string {
  if (isBackdropError(error)) {
    switch (error.code) {
      case 'moderation':
        return `The provider refused this image or prompt (moderation): ${error.message}`;
      case 'invalid_input':
      case 'unsupported':
        return error.message;
      case 'rate_limited':
      case 'provider_error':
      case 'timeout':
      case 'network':
        return `${error.provider ?? 'The provider'} was unavailable after 3 attempts: ${error.message}`;
      default:
        return error.message;
    }
  }
  return error instanceof Error ? error.message : String(error);
}
