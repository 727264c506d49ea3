// Runs inside a sandboxed iframe (origin "null", like Figma's plugin UI): core through a fake adapter.
import { BackdropError, createBackdrop, isBackdropError, type ProgressEvent } from '../../src/index.js';
import { createFakeAdapter, defaultOutput } from '../support/fake-adapter.js';

interface SmokeRequest {
  image: Uint8Array;
  outputUrl: string;
}

async function runSmoke(request: SmokeRequest) {
  const adapter = createFakeAdapter({
    uploads: true,
    steps: [{ state: 'running', logs: ['working'] }],
    outcome: (call) => ({
      state: 'completed',
      output: { ...defaultOutput(call), files: [{ url: request.outputUrl, contentType: 'image/png' }] },
    }),
  });
  const backdrop = createBackdrop({
    providers: [adapter],
    pollIntervalMs: 5,
    // The test's output server is on loopback: allowed by name, as an intranet would be.
    allowPrivateAddresses: ['127.0.0.1'],
  });
  const events: ProgressEvent['type'][] = [];
  const result = await backdrop.removeBackground({
    image: new Blob([request.image as Uint8Array<ArrayBuffer>], { type: 'image/png' }),
    download: true,
    onProgress: (event) => events.push(event.type),
  });
  const bytes = await result.outputs[0]?.bytes();
  let validation: { code: string; field: string | undefined; guard: boolean; instance: boolean } | undefined;
  try {
    await backdrop.replaceBackground({ image: request.image, seed: -1, prompt: 'x' });
  } catch (error) {
    if (isBackdropError(error)) {
      validation = {
        code: error.code,
        field: error.field,
        guard: true,
        instance: error instanceof BackdropError,
      };
    }
  }
  return {
    origin: self.origin,
    provider: result.provider,
    outputBytes: bytes?.byteLength,
    outputSignature: Array.from(bytes?.subarray(0, 4) ?? []),
    uploaded: adapter.calls.upload,
    events,
    validation,
  };
}

window.addEventListener('message', async (event: MessageEvent<SmokeRequest>) => {
  try {
    parent.postMessage({ ok: true, value: await runSmoke(event.data) }, '*');
  } catch (error) {
    parent.postMessage({ ok: false, error: String(error) }, '*');
  }
});
parent.postMessage({ ready: true }, '*');
