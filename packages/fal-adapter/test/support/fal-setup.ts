import { type Backdrop, BackdropError, createBackdrop } from '@backdrop/core/node';
import {
  captureRejection,
  type FalEmulator,
  type FalEmulatorOptions,
  startFalEmulator,
} from '@backdrop/testkit';
import { createFal, type FalOptions } from '../../src/index.js';

export interface FalHarness {
  emulator: FalEmulator;
  backdrop: Backdrop;
  /** The API calls the emulator saw (storage and file downloads left out). */
  apiCalls(): string[];
}

/** An emulator and a Backdrop whose fal adapter talks to it with the real @fal-ai/client. */
export async function startFalHarness(
  options: {
    emulator?: FalEmulatorOptions;
    fal?: FalOptions;
    backdrop?: Partial<Parameters<typeof createBackdrop>[0]>;
  } = {},
): Promise<FalHarness> {
  const emulator = await startFalEmulator(options.emulator);
  const fal = createFal({ credentials: 'test-fal-key', fetch: emulator.fetch, ...options.fal });
  const backdrop = createBackdrop({
    providers: [fal],
    fetch: emulator.fetch,
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
        .filter((request) => request.host !== 'loopback')
        .map((request) => `${request.method} ${request.host}${request.path}`),
  };
}

export async function rejection(promise: Promise<unknown>): Promise<BackdropError> {
  const error = await captureRejection(promise);
  if (BackdropError.isInstance(error)) return error;
  throw error;
}
