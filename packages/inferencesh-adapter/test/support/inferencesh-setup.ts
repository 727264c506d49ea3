import { type Backdrop, BackdropError, createBackdrop } from '@backdrop/core/node';
import {
  captureRejection,
  type InferenceShEmulator,
  type InferenceShEmulatorOptions,
  startInferenceShEmulator,
} from '@backdrop/testkit';
import { createInferenceSh, type InferenceShOptions } from '../../src/node.js';

export interface InferenceShHarness {
  emulator: InferenceShEmulator;
  backdrop: Backdrop;
  /** `METHOD /path` of every API call, uploads and downloads left out. */
  apiCalls(): string[];
}

export async function startInferenceShHarness(
  options: {
    emulator?: InferenceShEmulatorOptions;
    adapter?: InferenceShOptions;
    backdrop?: Partial<Parameters<typeof createBackdrop>[0]>;
  } = {},
): Promise<InferenceShHarness> {
  const emulator = await startInferenceShEmulator(options.emulator);
  const adapter = createInferenceSh({ apiKey: 'inf_test_key', baseUrl: emulator.origin, ...options.adapter });
  const backdrop = createBackdrop({
    providers: [adapter],
    pollIntervalMs: 20,
    retry: { initialDelayMs: 10, maxDelayMs: 50 },
    // The emulator serves outputs on loopback: allowed explicitly, as an intranet host would be.
    allowPrivateAddresses: ['127.0.0.1'],
    ...options.backdrop,
  });
  return {
    emulator,
    backdrop,
    apiCalls: () =>
      emulator.requests
        .filter((request) => !request.path.startsWith('/upload/') && !request.path.startsWith('/outputs/'))
        .map((request) => `${request.method} ${request.path}`),
  };
}

/** A prompt of exactly `count` English words. */
export function englishPrompt(count: number): string {
  const words = 'a bright kitchen counter with soft morning light and a blue tiled wall behind it'.split(' ');
  return Array.from({ length: count }, (_, index) => words[index % words.length]).join(' ');
}

export async function rejection(promise: Promise<unknown>): Promise<BackdropError> {
  const error = await captureRejection(promise);
  if (BackdropError.isInstance(error)) return error;
  throw error;
}
