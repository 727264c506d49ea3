// Runs in a sandboxed iframe (origin "null", like a Figma plugin's UI): the browser build of the
// fal adapter, holding no key, going through the app's fal proxy.
import { createBackdrop, isBackdropError } from '@backdrop/core';
import { createFal } from '../../src/index.js';

interface Request {
  proxyUrl: string;
  image: Uint8Array;
}

async function run(request: Request) {
  const backdrop = createBackdrop({
    providers: [createFal({ proxyUrl: request.proxyUrl })],
    pollIntervalMs: 20,
    // The emulator serves outputs on loopback: allowed explicitly.
    allowPrivateAddresses: ['127.0.0.1'],
  });
  const events: string[] = [];
  const removed = await backdrop.removeBackground({
    image: new Blob([request.image as Uint8Array<ArrayBuffer>], { type: 'image/png' }),
    download: true,
    onProgress: (event) => events.push(event.type),
  });
  const bytes = await removed.outputs[0]?.bytes();
  const replaced = await backdrop.replaceBackground({
    image: new Blob([request.image as Uint8Array<ArrayBuffer>], { type: 'image/png' }),
    prompt: 'a studio',
    count: 2,
  });
  let refused: string | undefined;
  try {
    await backdrop.replaceBackground({
      image: new Blob([request.image as Uint8Array<ArrayBuffer>], { type: 'image/png' }),
      prompt: 'a forbidden-content scene',
      count: 2,
    });
  } catch (error) {
    refused = isBackdropError(error) ? error.code : String(error);
  }
  return {
    origin: self.origin,
    removedModel: removed.model,
    removedSignature: Array.from(bytes?.subarray(0, 4) ?? []),
    events: [...new Set(events)],
    replacedCount: replaced.outputs.length,
    refused,
  };
}

window.addEventListener('message', async (event: MessageEvent<Request>) => {
  try {
    parent.postMessage({ ok: true, value: await run(event.data) }, '*');
  } catch (error) {
    parent.postMessage(
      { ok: false, error: isBackdropError(error) ? `${error.code}: ${error.message}` : String(error) },
      '*',
    );
  }
});
parent.postMessage({ ready: true }, '*');
