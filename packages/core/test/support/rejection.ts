import { captureRejection } from '@backdrop/testkit';
import { BackdropError } from '../../src/errors/backdrop-error.js';

/** Awaits a promise that must reject with a BackdropError, and returns that error. */
export async function rejection(promise: Promise<unknown>): Promise<BackdropError> {
  const error = await captureRejection(promise);
  if (BackdropError.isInstance(error)) return error;
  throw error;
}

/** Short poll and retry delays, so tests of the job flow run in milliseconds. */
export const fastTimings = { pollIntervalMs: 5, retry: { initialDelayMs: 5, maxDelayMs: 20 } };
