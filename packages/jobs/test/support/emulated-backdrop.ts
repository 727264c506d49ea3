import { createBackdrop } from '@backdrop/core';
import { createFal } from '@backdrop/fal-adapter';
import { createInferenceSh } from '@backdrop/inferencesh-adapter';
import {
  type FalEmulator,
  type FaultProxy,
  type InferenceShEmulator,
  readFixture,
  startFalEmulator,
  startFaultProxy,
  startInferenceShEmulator,
} from '@backdrop/testkit';
import { type JobProcessor, runProviderJob } from '../../src/index.js';

export interface ImageJob {
  fixture: 'ruby_mug.jpg';
}

export interface ImageJobResult {
  provider: string;
  bytes: number;
  /** Whether a saved provider job was resumed instead of starting one. */
  resumed: boolean;
}

/** fal (and, for fallback, inference.sh) emulated on loopback, and a processor over them. */
export async function startEmulatedBackdrop(
  options: { queueMs?: number; fallback?: boolean; faultProxy?: boolean } = {},
) {
  const fal: FalEmulator = await startFalEmulator({ proxyKey: 'test-fal-key', queueMs: options.queueMs });
  // In front of fal's server-proxy entry, for transport faults (a status answer lost, ...).
  const proxy: FaultProxy | undefined = options.faultProxy
    ? await startFaultProxy({ target: fal.origin })
    : undefined;
  const inference: InferenceShEmulator | undefined = options.fallback
    ? await startInferenceShEmulator()
    : undefined;
  const backdrop = createBackdrop({
    providers: [
      createFal({ proxyUrl: proxy ? `${proxy.origin}/proxy` : fal.proxyUrl }),
      ...(inference ? [createInferenceSh({ apiKey: 'inf_test_key', baseUrl: inference.origin })] : []),
    ],
    fallback: options.fallback,
    pollIntervalMs: 50,
    allowPrivateAddresses: ['127.0.0.1'],
    // Core's own step retries stay short: the job's retries are what the tests are about.
    retry: { initialDelayMs: 50, maxDelayMs: 200 },
  });
  const image = await readFixture('ruby_mug.jpg');
  const processor: JobProcessor<ImageJob, ImageJobResult> = async (context) => {
    const result = await runProviderJob({
      backdrop,
      context,
      start: () => backdrop.startRemoveBackground({ image, signal: context.signal }),
    });
    const bytes = (await result.outputs[0]?.bytes())?.byteLength ?? 0;
    return { provider: result.provider, bytes, resumed: context.savedHandle !== undefined };
  };
  /** Provider jobs the emulators were asked to start. */
  const starts = () =>
    fal.requests.filter((request) => request.host === 'queue.fal.run' && request.method === 'POST').length +
    (inference?.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/run'))
      .length ?? 0);
  return {
    fal,
    proxy,
    inference,
    backdrop,
    processor,
    starts,
    close: async () => {
      await proxy?.close();
      await fal.close();
      await inference?.close();
    },
  };
}
